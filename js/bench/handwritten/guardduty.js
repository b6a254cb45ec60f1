// A hand-written GuardDuty → Dynatrace `security.events` mapper: what a team would write
// in its own Lambda instead of using secmap. One DETECTION_FINDING per affected object
// (the container a runtime finding names, else each container of the EKS workload or ECS
// task; each scanned S3 object; else the primary resource, or the account), with the
// same fields as secmap's events (docs/mapping/guardduty.md). Differences from secmap are
// listed in README.md next to this file.
import { MAPPING_VERSION, band, bool, clamp, firstTime, get, list, num, opt, parse, str, uuidv5 } from './common.js';

const PROVIDER = 'guardduty';

/** The records of a payload: an array, a GetFindings result, or one record. */
function records(doc) {
  if (Array.isArray(doc)) return doc;
  const findings = get(doc, 'findings');
  if (Array.isArray(findings)) return findings;
  return [doc];
}

/**
 * Maps a GuardDuty payload (string, bytes or parsed) to events; returns the request body
 * (`JSON.stringify` of the events) and the event count.
 */
export function transformGuardDuty(input, { originalContent = true, skipSampleFindings = false } = {}) {
  const events = [];
  let rejected = 0;
  for (const record of records(parse(input))) {
    // A bad record is logged and dropped, as a forwarder does; the others still go out.
    try {
      mapRecord(record, { originalContent, skipSampleFindings }, events);
    } catch {
      rejected++;
    }
  }
  return { body: JSON.stringify(events), events: events.length, rejected };
}

/** Events of one record, appended to `out`; skipped records add none. */
export function mapRecord(record, { originalContent, skipSampleFindings }, out) {
  let finding = record;
  let envAccount;
  let envRegion;
  if (record === null || typeof record !== 'object') throw new Error('not a finding');
  if (record.detail !== undefined || record['detail-type'] !== undefined || record.source !== undefined) {
    if (record.source !== undefined && record.source !== 'aws.guardduty') return;
    if (record['detail-type'] !== undefined && record['detail-type'] !== 'GuardDuty Finding') return;
    finding = record.detail;
    if (finding === null || typeof finding !== 'object') throw new Error('EventBridge event without detail');
    envAccount = typeof record.account === 'string' ? record.account : undefined;
    envRegion = typeof record.region === 'string' ? record.region : undefined;
  }
  const id = str(finding, 'id');
  const type = str(finding, 'type');
  if (id === undefined || type === undefined) throw new Error('finding without id or type');
  const service = get(finding, 'service');
  if (bool(get(service, 'archived')) === true) return;
  const sample = bool(get(get(service, 'additionalInfo'), 'sample')) === true;
  if (sample && skipSampleFindings) return;

  const account = str(finding, 'accountId') ?? envAccount ?? '';
  const region = str(finding, 'region') ?? envRegion ?? '';
  const time = firstTime(get(finding, 'updatedAt'), get(service, 'eventLastSeen'), get(finding, 'createdAt'));
  if (time === undefined) throw new Error('finding without a readable time');
  const rawSeverity = get(finding, 'severity');
  const score = num(rawSeverity);
  if (score === undefined && rawSeverity !== undefined && rawSeverity !== null) throw new Error('severity is not a number');
  const level = score === undefined ? 'NONE' : band(clamp(score));
  const partition = str(finding, 'partition');
  const url =
    region !== '' && (partition === undefined || partition === 'aws')
      ? `https://${region}.console.aws.amazon.com/guardduty/home?region=${region}#/findings?macros=current&fId=${id}`
      : undefined;
  const actor = actorOf(get(service, 'action'));
  const count = num(get(service, 'count'));
  const original = originalContent ? JSON.stringify(record) : undefined;

  for (const o of affected(finding, account, region, partition ?? 'aws')) {
    const e = {
      'event.id': uuidv5([PROVIDER, id, o.id, time]),
      'event.kind': 'SECURITY_EVENT',
      'event.type': 'DETECTION_FINDING',
      'event.name': 'Detection finding event',
      'event.provider': 'Amazon GuardDuty',
      'product.vendor': 'Amazon',
      'product.name': 'Amazon GuardDuty',
      'object.id': o.id,
      'object.type': o.type,
      'object.name': o.name,
      'finding.id': id,
      'finding.type': type,
      'finding.title': str(finding, 'title') ?? type,
    };
    opt(e, 'finding.description', str(finding, 'description'));
    e['finding.time.created'] = time;
    e['finding.severity'] = level;
    opt(e, 'finding.score', score);
    opt(e, 'finding.url', url);
    e['dt.security.risk.level'] = level;
    e['dt.security.risk.score'] = score === undefined ? 0 : clamp(score);
    if (o.container) {
      opt(e, 'container.id', o.container.id);
      opt(e, 'container.name', o.container.name);
      opt(e, 'container.image.name', o.container.imageName);
      opt(e, 'container.image.version', o.container.imageVersion);
      opt(e, 'container.image.digest', o.container.imageDigest);
    }
    if (o.k8s) {
      opt(e, 'k8s.cluster.name', o.k8s.cluster);
      opt(e, 'k8s.namespace.name', o.k8s.namespace);
      opt(e, 'k8s.pod.name', o.k8s.podName);
      opt(e, 'k8s.pod.uid', o.k8s.podUid);
      opt(e, 'k8s.workload.name', o.k8s.workload);
      opt(e, 'k8s.workload.kind', o.k8s.kind);
    }
    opt(e, 'aws.account.id', account);
    opt(e, 'aws.region', region);
    opt(e, 'aws.availability_zone', o.az);
    opt(e, 'aws.resource.type', o.awsType);
    opt(e, 'aws.resource.id', o.awsId);
    opt(e, 'aws.resource.name', o.awsName);
    opt(e, 'aws.arn', o.arn);
    if (service !== undefined) {
      opt(e, 'actor.ips', actor.ips);
      opt(e, 'actor.fqdns', actor.fqdns);
      opt(e, 'actor.geo.country.name', actor.country);
      opt(e, 'guardduty.detector.id', str(service, 'detectorId'));
      opt(e, 'guardduty.action.type', str(get(service, 'action'), 'actionType'));
      opt(e, 'guardduty.feature.name', str(service, 'featureName'));
      opt(e, 'guardduty.resource.role', str(service, 'resourceRole'));
      if (count !== undefined && Number.isInteger(count)) e['guardduty.count'] = count;
    }
    if (sample) e['guardduty.sample'] = true;
    if (o.s3) {
      opt(e, 'guardduty.s3.object.version_id', o.s3.versionId);
      opt(e, 'guardduty.s3.object.etag', o.s3.etag);
      opt(e, 'guardduty.s3.object.hash', o.s3.hash);
    }
    e['secmap.mapping.version'] = MAPPING_VERSION;
    if (original !== undefined) e['event.original_content'] = original;
    out.push(e);
  }
}

/** Remote IPs (distinct, first-seen order), DNS domains and the first country of the action. */
function actorOf(action) {
  // A Set keeps insertion order and makes de-duplication linear (port probes list hundreds).
  const ips = new Set();
  let country;
  const ip = (v) => {
    if (typeof v === 'string' && v !== '') ips.add(v);
  };
  const remote = (d) => {
    if (d === undefined || d === null) return;
    ip(get(d, 'ipAddressV4'));
    ip(get(d, 'ipAddressV6'));
    country ??= str(get(d, 'country'), 'countryName');
  };
  for (const name of ['networkConnectionAction', 'awsApiCallAction', 'rdsLoginAttemptAction']) {
    remote(get(get(action, name), 'remoteIpDetails'));
  }
  const k8s = get(action, 'kubernetesApiCallAction');
  remote(get(k8s, 'remoteIpDetails'));
  for (const v of list(k8s, 'sourceIPs').concat(list(k8s, 'sourceIps'))) ip(v);
  for (const probe of list(get(action, 'portProbeAction'), 'portProbeDetails')) remote(get(probe, 'remoteIpDetails'));
  const domain = str(get(action, 'dnsRequestAction'), 'domain');
  return { ips: [...ips], fqdns: domain ? [domain] : [], country };
}

/** `registry/repo:tag@digest` → name, tag, digest. */
function image(ref) {
  if (typeof ref !== 'string') return {};
  let name = ref;
  let digest;
  const at = name.indexOf('@');
  if (at >= 0) {
    digest = name.slice(at + 1);
    name = name.slice(0, at);
  }
  let tag;
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) {
    tag = name.slice(colon + 1);
    name = name.slice(0, colon);
  }
  return { name, tag, digest };
}

function containerObject(c, path) {
  const img = image(c.image);
  return {
    type: 'CONTAINER',
    id: c.id ?? path,
    name: c.name ?? c.id ?? 'container',
    container: { id: c.id, name: c.name, imageName: img.name, imageVersion: img.tag, imageDigest: img.digest },
  };
}

function distinct(objects) {
  if (objects.length < 2) return objects;
  const seen = new Set();
  return objects.filter((o) => !seen.has(o.id) && seen.add(o.id));
}

const readContainer = (c) => ({ id: str(c, 'id'), name: str(c, 'name'), image: str(c, 'image') });

/**
 * The containers a finding is about: the one `containerDetails` names (completed from its
 * entry in the workload's or task's list), else every container of the list.
 */
function namedOrAll(list, named) {
  if (named === undefined || (named.id === undefined && named.name === undefined)) return list;
  const entry =
    list.find((c) => named.id !== undefined && c.id === named.id) ??
    list.find((c) => named.name !== undefined && c.name === named.name);
  if (entry === undefined) return [named];
  return [{ id: named.id ?? entry.id, name: named.name ?? entry.name, image: named.image ?? entry.image }];
}

// Kubernetes' plural resource names as GuardDuty sends them → the singular kind.
const KINDS = {
  pods: 'pod',
  deployments: 'deployment',
  daemonsets: 'daemonset',
  statefulsets: 'statefulset',
  replicasets: 'replicaset',
  jobs: 'job',
  cronjobs: 'cronjob',
  replicationcontrollers: 'replicationcontroller',
};

function workloadKind(type) {
  const t = type.trim().toLowerCase();
  return KINDS[t] ?? t;
}

/** The account a finding stands on, as Security Hub names it. */
function accountObject(account) {
  if (account === '') throw new Error('a finding whose resource names no object needs accountId');
  return { type: 'AwsAccount', id: `AWS::::Account:${account}`, name: account, awsType: 'AWS::::Account', awsId: account };
}

/** Container objects of a runtime, EKS or ECS finding; empty for other findings. */
function containers(r) {
  const rc = get(r, 'containerDetails');
  const runtime = rc ? readContainer(rc) : undefined;
  const workload = get(get(r, 'kubernetesDetails'), 'kubernetesWorkloadDetails');
  if (workload) {
    const eks = get(r, 'eksClusterDetails');
    const clusterName = str(eks, 'name');
    const clusterId = str(eks, 'arn') ?? clusterName;
    const ns = str(workload, 'namespace');
    const type = str(workload, 'type');
    const wname = str(workload, 'name');
    const kind = type === undefined ? undefined : workloadKind(type);
    const pod = kind === 'pod';
    const k8s = {
      cluster: clusterName,
      namespace: ns,
      podName: pod ? wname : undefined,
      podUid: pod ? str(workload, 'uid') : undefined,
      workload: pod ? undefined : wname,
      kind: pod ? undefined : kind,
    };
    const objs = namedOrAll(list(workload, 'containers').map(readContainer), runtime).map((c) => {
      const path = [clusterId, ns, type, wname, c.name].map((p) => p ?? '-').join('/');
      const o = containerObject(c, path);
      o.k8s = k8s;
      o.awsType = 'AWS::EKS::Cluster';
      o.awsName = clusterName;
      o.awsId = clusterName;
      o.arn = str(eks, 'arn');
      return o;
    });
    if (objs.length) return objs;
  }
  const ecs = get(r, 'ecsClusterDetails');
  if (ecs) {
    const task = get(ecs, 'taskDetails');
    const objs = namedOrAll(list(task, 'containers').map(readContainer), runtime).map((c) => {
      const o = containerObject(c, `${str(task, 'arn') ?? '-'}/${c.name ?? '-'}`);
      o.awsType = 'AWS::ECS::Cluster';
      o.awsName = str(ecs, 'name');
      o.awsId = str(ecs, 'name');
      o.arn = str(ecs, 'arn');
      return o;
    });
    if (objs.length) return objs;
  }
  if (runtime) {
    const o = containerObject(runtime, runtime.name ?? 'container');
    const instance = get(r, 'instanceDetails');
    if (instance) {
      o.awsType = 'AWS::EC2::Instance';
      o.awsId = str(instance, 'instanceId');
    }
    return [o];
  }
  return [];
}

/** S3 bucket object, by its ARN (given, or built from the name). */
function bucketObject(b, partition) {
  const name = str(b, 'name');
  const arn = str(b, 'arn') ?? (name !== undefined ? `arn:${partition}:s3:::${name}` : undefined);
  const id = arn ?? name;
  if (id === undefined) return undefined;
  return { type: 'AwsS3Bucket', awsType: 'AWS::S3::Bucket', id, name: name ?? id, awsName: name, awsId: name, arn };
}

/** Malware Protection for S3: one object per scanned S3 object, its bucket in `aws.*`. */
function s3Objects(buckets, partition) {
  const out = [];
  for (const b of buckets) {
    const bucket = bucketObject(b, partition);
    const name = str(b, 'name');
    const before = out.length;
    for (const so of list(b, 's3ObjectDetails')) {
      const key = str(so, 'key');
      const id = str(so, 'objectArn') ?? (name !== undefined && key !== undefined ? `arn:${partition}:s3:::${name}/${key}` : undefined);
      if (id === undefined) continue;
      out.push({
        type: 'AwsS3Object',
        awsType: 'AWS::S3::Bucket',
        id,
        name: key ?? id,
        awsName: name,
        awsId: name,
        arn: bucket?.arn,
        s3: { versionId: str(so, 'versionId'), etag: str(so, 'eTag'), hash: str(so, 'hash') },
      });
    }
    // A bucket whose objects are not listed stands for itself.
    if (out.length === before && bucket !== undefined) out.push(bucket);
  }
  return out;
}

/** The objects a finding is about. */
function affected(f, account, region, partition) {
  const r = get(f, 'resource') ?? {};
  const instance = get(r, 'instanceDetails');
  const zone = str(instance, 'availabilityZone');
  // A container, EKS or ECS cluster runs on the instance GuardDuty names: same zone.
  const withZone = (objs) => {
    if (zone !== undefined) {
      for (const o of objs) {
        if (o.az === undefined && ['CONTAINER', 'AwsEksCluster', 'AwsEcsCluster'].includes(o.type)) o.az = zone;
      }
    }
    return distinct(objs);
  };
  const cs = containers(r);
  if (cs.length) return withZone(cs);

  const rtype = str(r, 'resourceType') ?? '';
  const typed = (objectType, awsType) => (d, nameKey, arnKey) => {
    const name = str(d, nameKey);
    const arn = str(d, arnKey);
    const id = arn ?? name;
    return id === undefined ? [] : [{ type: objectType, awsType, id, name: name ?? id, awsName: name, awsId: name, arn }];
  };
  let objs = [];
  switch (rtype) {
    case 'Instance':
    case 'Container': {
      const iid = str(instance, 'instanceId');
      if (iid !== undefined) {
        const tag = list(instance, 'tags').find((t) => str(t, 'key') === 'Name');
        const nameTag = str(tag, 'value');
        const arn = region && account ? `arn:${partition}:ec2:${region}:${account}:instance/${iid}` : undefined;
        objs = [
          { type: 'AwsEc2Instance', awsType: 'AWS::EC2::Instance', id: arn ?? iid, name: nameTag ?? iid, awsId: iid, awsName: nameTag, arn, az: zone },
        ];
      }
      break;
    }
    case 'AccessKey': {
      const k = get(r, 'accessKeyDetails');
      const kid = str(k, 'accessKeyId');
      if (kid !== undefined) {
        const user = str(k, 'userName');
        objs = [{ type: 'AwsIamAccessKey', awsType: 'AWS::IAM::AccessKey', id: kid, name: user ?? kid, awsName: user, awsId: kid }];
      }
      break;
    }
    case 'S3Bucket':
      objs = list(r, 's3BucketDetails')
        .map((b) => bucketObject(b, partition))
        .filter((o) => o !== undefined);
      break;
    case 'S3Object':
      objs = s3Objects(list(r, 's3BucketDetails'), partition);
      break;
    case 'EKSCluster':
      objs = typed('AwsEksCluster', 'AWS::EKS::Cluster')(get(r, 'eksClusterDetails'), 'name', 'arn');
      break;
    case 'ECSCluster':
      objs = typed('AwsEcsCluster', 'AWS::ECS::Cluster')(get(r, 'ecsClusterDetails'), 'name', 'arn');
      break;
    case 'Lambda':
      objs = typed('AwsLambdaFunction', 'AWS::Lambda::Function')(get(r, 'lambdaDetails'), 'functionName', 'functionArn');
      break;
    case 'RDSDBInstance':
      objs = typed('AwsRdsDbInstance', 'AWS::RDS::DBInstance')(get(r, 'rdsDbInstanceDetails'), 'dbInstanceIdentifier', 'dbInstanceArn');
      break;
    default:
  }
  // AttackSequence, no resource block, a known type without details, an unknown type:
  // the account is what the finding is about.
  if (objs.length === 0) return [accountObject(account)];
  return withZone(objs);
}
