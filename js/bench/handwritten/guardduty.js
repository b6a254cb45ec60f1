// A hand-written GuardDuty → Dynatrace `security.events` mapper: what a team would write
// in its own Lambda instead of using secmap. One DETECTION_FINDING per affected object
// (per container for EKS, ECS and runtime findings, else the primary resource), with the
// same fields as secmap's events (docs/mapping/guardduty.md). Differences from secmap are
// listed in README.md next to this file.
import { MAPPING_VERSION, band, bool, clamp, firstTime, get, list, num, opt, parse, str, uuidv5 } from './common.js';

const PROVIDER = 'guardduty';

const RESOURCE_TYPES = {
  Instance: ['AwsEc2Instance', 'AWS::EC2::Instance'],
  AccessKey: ['AwsIamAccessKey', 'AWS::IAM::AccessKey'],
  S3Bucket: ['AwsS3Bucket', 'AWS::S3::Bucket'],
  EKSCluster: ['AwsEksCluster', 'AWS::EKS::Cluster'],
  ECSCluster: ['AwsEcsCluster', 'AWS::ECS::Cluster'],
  Container: ['AwsEc2Instance', 'AWS::EC2::Instance'],
  Lambda: ['AwsLambdaFunction', 'AWS::Lambda::Function'],
  RDSDBInstance: ['AwsRdsDbInstance', 'AWS::RDS::DBInstance'],
  AttackSequence: ['AwsAccount', undefined],
};

const LABELS = { CRITICAL: 'Critical', HIGH: 'High', MEDIUM: 'Medium', LOW: 'Low' };

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
  const severity = LABELS[level] ?? (score === undefined ? 'NONE' : String(score));
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
    e['finding.severity'] = severity;
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
    e['secmap.mapping.version'] = MAPPING_VERSION;
    if (original !== undefined) e['event.original_content'] = original;
    out.push(e);
  }
}

/** Remote IPs (distinct, in order), DNS domains and the first country of the action. */
function actorOf(action) {
  const ips = [];
  let country;
  const ip = (v) => {
    if (typeof v === 'string' && v !== '' && !ips.includes(v)) ips.push(v);
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
  return { ips, fqdns: domain ? [domain] : [], country };
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

function containerObject(c, id, path) {
  const img = image(str(c, 'image'));
  const name = str(c, 'name');
  return {
    type: 'CONTAINER',
    id: id ?? path,
    name: name ?? id ?? 'container',
    container: { id, name, imageName: img.name, imageVersion: img.tag, imageDigest: img.digest },
  };
}

function distinct(objects) {
  if (objects.length < 2) return objects;
  const seen = new Set();
  return objects.filter((o) => !seen.has(o.id) && seen.add(o.id));
}

/** The objects a finding is about. */
function affected(f, account, region, partition) {
  const r = get(f, 'resource') ?? {};
  const runtime = get(r, 'containerDetails');
  const runtimeId = (c) => {
    const id = str(c, 'id');
    if (id !== undefined) return id;
    const rn = str(runtime, 'name');
    return rn !== undefined && rn === str(c, 'name') ? str(runtime, 'id') : undefined;
  };
  // Containers: EKS workload, ECS task, runtime container.
  const workload = get(get(r, 'kubernetesDetails'), 'kubernetesWorkloadDetails');
  const eks = get(r, 'eksClusterDetails');
  if (workload) {
    const clusterName = str(eks, 'name');
    const clusterId = str(eks, 'arn') ?? clusterName;
    const ns = str(workload, 'namespace');
    const kind = str(workload, 'type');
    const wname = str(workload, 'name');
    const objs = list(workload, 'containers').map((c) => {
      const path = [clusterId, ns, kind, wname, str(c, 'name')].map((p) => p ?? '-').join('/');
      const o = containerObject(c, runtimeId(c), path);
      o.k8s = { cluster: clusterName, namespace: ns, workload: wname, kind };
      o.awsType = 'AWS::EKS::Cluster';
      o.awsName = clusterName;
      o.awsId = clusterName;
      o.arn = str(eks, 'arn');
      return o;
    });
    if (objs.length) return distinct(objs);
  }
  const ecs = get(r, 'ecsClusterDetails');
  if (ecs) {
    const task = get(ecs, 'taskDetails');
    const objs = list(task, 'containers').map((c) => {
      const o = containerObject(c, runtimeId(c), `${str(task, 'arn') ?? '-'}/${str(c, 'name') ?? '-'}`);
      o.awsType = 'AWS::ECS::Cluster';
      o.awsName = str(ecs, 'name');
      o.awsId = str(ecs, 'name');
      o.arn = str(ecs, 'arn');
      return o;
    });
    if (objs.length) return distinct(objs);
  }
  const instance = get(r, 'instanceDetails');
  if (runtime) {
    const o = containerObject(runtime, str(runtime, 'id'), str(runtime, 'name') ?? 'container');
    if (instance) {
      o.awsType = 'AWS::EC2::Instance';
      o.awsId = str(instance, 'instanceId');
      o.az = str(instance, 'availabilityZone');
    }
    return [o];
  }

  const rtype = str(r, 'resourceType') ?? '';
  const [objectType, awsType] = RESOURCE_TYPES[rtype] ?? [rtype === '' ? 'AwsAccount' : rtype, undefined];
  let objs = [];
  const named = (d, nameKey, arnKey) => {
    const name = str(d, nameKey);
    const arn = str(d, arnKey);
    const id = arn ?? name;
    return id === undefined ? [] : [{ id, name: name ?? id, awsName: name, awsId: name, arn }];
  };
  switch (rtype) {
    case 'Instance':
    case 'Container': {
      const iid = str(instance, 'instanceId');
      if (iid !== undefined) {
        const tag = list(instance, 'tags').find((t) => str(t, 'key') === 'Name');
        const nameTag = str(tag, 'value');
        const arn = region && account ? `arn:${partition}:ec2:${region}:${account}:instance/${iid}` : undefined;
        objs = [{ id: arn ?? iid, name: nameTag ?? iid, awsId: iid, awsName: nameTag, arn, az: str(instance, 'availabilityZone') }];
      }
      break;
    }
    case 'AccessKey': {
      const k = get(r, 'accessKeyDetails');
      const kid = str(k, 'accessKeyId');
      if (kid !== undefined) {
        const user = str(k, 'userName');
        objs = [{ id: kid, name: user ?? kid, awsName: user, awsId: kid }];
      }
      break;
    }
    case 'S3Bucket':
      for (const b of list(r, 's3BucketDetails')) {
        const name = str(b, 'name');
        const arn = str(b, 'arn') ?? (name !== undefined ? `arn:${partition}:s3:::${name}` : undefined);
        const id = arn ?? name;
        if (id !== undefined) objs.push({ id, name: name ?? id, awsName: name, awsId: name, arn });
      }
      break;
    case 'EKSCluster':
      objs = named(eks, 'name', 'arn');
      break;
    case 'ECSCluster':
      objs = named(ecs, 'name', 'arn');
      break;
    case 'Lambda':
      objs = named(get(r, 'lambdaDetails'), 'functionName', 'functionArn');
      break;
    case 'RDSDBInstance':
      objs = named(get(r, 'rdsDbInstanceDetails'), 'dbInstanceIdentifier', 'dbInstanceArn');
      break;
    default:
  }
  if (objs.length === 0) {
    const fid = str(f, 'id');
    const id =
      rtype === '' || rtype === 'AttackSequence' ? account : (str(f, 'arn') ?? (account ? `${account}/${rtype}/${fid}` : ''));
    if (id === '') throw new Error('a finding whose resource names no object needs accountId');
    objs = [{ id, name: id }];
  }
  for (const o of objs) {
    o.type = objectType;
    o.awsType = awsType;
  }
  return distinct(objs);
}
