// A hand-written Defender for Cloud → Dynatrace `security.events` mapper: what a team
// would write in its own Azure Function on the continuous-export Event Hub instead of using
// secmap. One VULNERABILITY_FINDING per container image sub-assessment (individual
// recommendations: recommendation.js) and one VULNERABILITY_SCAN per image and UTC day of
// its records, with the same fields as secmap's events
// (docs/mapping/defender-for-cloud.md). Differences from secmap are listed in README.md
// next to this file.
import { PROVIDER, FIXED, LEVELS, acrLoginServer, armSegment, lower, scanSkeleton, splitRegistry } from './defender-shared.js';
import { mapRecommendation } from './recommendation.js';
import { MAPPING_VERSION, bool, clamp, firstTime, get, list, num, opt, parse, str, uuidv5 } from './common.js';

const SUB_ASSESSMENT = 'microsoft.security/assessments/subassessments';
const ASSESSMENT = 'microsoft.security/assessments';
const CONTAINER_TYPES = new Set([
  'containerregistryvulnerability',
  'azurecontainerregistryvulnerability',
  'awscontainerregistryvulnerability',
  'gcpcontainerregistryvulnerability',
]);
const SCAN_FIELDS = [
  'container_image.digest',
  'container_image.id',
  'container_image.name',
  'container_image.repository',
  'container_image.registry',
  'container_image.tags',
  'cloud.provider',
  'aws.account.id',
  'aws.region',
  'aws.arn',
  'azure.tenant.id',
  'azure.subscription',
  'azure.resource.group',
];

/**
 * The records of a payload: an Event Hubs batch (an array whose messages are records,
 * arrays of records or `{records: [...]}`, as objects or as JSON strings), a REST list
 * `{value: [...]}`, or one record.
 */
function records(doc, out = []) {
  if (typeof doc === 'string') {
    // An Event Hubs message that is not JSON is one bad record, not a bad batch.
    let parsed;
    try {
      parsed = JSON.parse(doc);
    } catch {
      out.push(undefined);
      return out;
    }
    return records(parsed, out);
  }
  if (Array.isArray(doc)) {
    for (const d of doc) records(d, out);
    return out;
  }
  let inner = get(doc, 'records') ?? get(doc, 'value');
  // A Resource Graph page: `{count, data: [...]}` (a record has a `type` instead).
  if (inner === undefined && doc !== null && typeof doc === 'object' && get(doc, 'type') === undefined) inner = doc.data;
  if (Array.isArray(inner)) return records(inner, out);
  out.push(doc);
  return out;
}

/**
 * Maps a Defender payload (string, bytes or parsed) to events; returns the request body
 * (`JSON.stringify` of the events) and the event count.
 */
export function transformDefender(input, { originalContent = true } = {}) {
  const items = [];
  let rejected = 0;
  for (const record of records(parse(input))) {
    // A bad record is logged and dropped, as a forwarder does; the others still go out.
    try {
      if (lower(str(record, 'type')) === ASSESSMENT) items.push(...mapRecommendation(record, originalContent));
      else {
        const item = mapRecord(record, originalContent);
        if (item !== undefined) items.push(item);
      }
    } catch {
      rejected++;
    }
  }
  const events = withScans(items);
  return { body: JSON.stringify(events), events: events.length, rejected };
}

/** `additionalData.<key>`, or inside its `data` wrapper. */
const ad = (a, key) => get(a, key) ?? get(get(a, 'data'), key);

/** Digest, repository and registry from `resourceDetails.id`, in its three layouts. */
function fromResourceId(id) {
  id = (id ?? '').trim();
  if (id.startsWith('/repositories/')) {
    const rest = id.slice('/repositories/'.length);
    const at = rest.lastIndexOf('/images/');
    if (at >= 0) return { digest: rest.slice(at + 8), repository: rest.slice(0, at) };
  }
  const repo = armSegment(id, '/repository/');
  if (repo !== undefined) {
    const l = id.toLowerCase();
    const i = l.indexOf('/imagedigest/');
    if (i >= 0) return { digest: id.slice(i + 13).split('/')[0], repository: repo };
  }
  if (id !== '' && !id.startsWith('/')) {
    const at = id.lastIndexOf('@');
    if (at >= 0) {
      const [registry, repository] = splitRegistry(id.slice(0, at));
      return { digest: id.slice(at + 1), repository, registry };
    }
  }
  return {};
}

/** The CVSS entry of the highest version that has a score or a vector. */
function cvssOf(vuln, a) {
  let map = get(vuln, 'cvss');
  if (!map || typeof map !== 'object' || Object.keys(map).length === 0) map = ad(a, 'cvss');
  const c = {};
  if (map && typeof map === 'object') {
    const keys = Object.keys(map).sort();
    for (let i = keys.length - 1; i >= 0; i--) {
      const entry = map[keys[i]];
      const base = get(entry, 'base');
      const vector = str(entry, 'cvssVectorString');
      if (base === undefined && vector === undefined) continue;
      if (vector) c.vector = vector;
      c.version = vector?.startsWith('CVSS:') ? vector.slice(5).split('/')[0] : keys[i];
      c.score = num(base);
      break;
    }
  }
  const v30 = num(ad(a, 'cvssV30Score'));
  if (v30 !== undefined) {
    c.score = v30;
    c.version ??= '3.0';
  }
  return c;
}

/**
 * The image a sub-assessment is about: digest (or another image id), repository, registry
 * and tags, and its object id `registry/repository@digest` (leaving out what is unknown).
 */
function imageOf(r, p, a) {
  const art = ad(a, 'artifactDetails');
  const rd = get(p, 'resourceDetails');
  const arm = str(r, 'id') ?? '';
  const resourceId = str(rd, 'id') ?? '';
  const fromId = fromResourceId(resourceId);
  const rawDigest = str(art, 'digest') ?? str(a, 'imageDigest') ?? fromId.digest;
  const contentDigest = rawDigest && /^sha(256|384|512):[0-9a-f]+$/i.test(rawDigest.trim());
  const digest = contentDigest ? rawDigest : undefined;
  const otherId = rawDigest && rawDigest.trim() !== '' && !contentDigest ? rawDigest : undefined;
  const repository = (str(art, 'repositoryName') ?? str(a, 'repositoryName') ?? fromId.repository) || undefined;
  const registry =
    (str(art, 'registryHost') ?? fromId.registry ?? acrLoginServer(arm) ?? acrLoginServer(resourceId)) || undefined;
  const tags = list(art, 'tags').filter((t) => typeof t === 'string' && t !== '');
  const imageId = digest ?? otherId;
  let objectId;
  if (imageId !== undefined) {
    const name = registry && repository ? `${registry}/${repository}` : (repository ?? registry);
    objectId = name ? `${name}@${imageId}` : imageId;
  }
  return { digest, otherId, repository, registry, tags, objectId, resourceId };
}

/** The image and cloud fields a finding and its image's scan both carry. */
function putImageAndCloud(e, img, r, p) {
  opt(e, 'container_image.digest', img.digest);
  opt(e, 'container_image.id', img.otherId);
  opt(e, 'container_image.name', img.repository);
  opt(e, 'container_image.repository', img.repository);
  opt(e, 'container_image.registry', img.registry);
  opt(e, 'container_image.tags', img.tags);
  const rd = get(p, 'resourceDetails');
  const arm = str(r, 'id') ?? '';
  const source = lower(str(rd, 'source'));
  opt(e, 'cloud.provider', source);
  if (source === 'aws') {
    opt(e, 'aws.account.id', str(rd, 'hierarchyId'));
    opt(e, 'aws.region', str(rd, 'region'));
    opt(e, 'aws.arn', str(rd, 'nativeCloudUniqueIdentifier'));
  }
  opt(e, 'azure.tenant.id', str(r, 'tenantId'));
  opt(e, 'azure.subscription', str(r, 'subscriptionId') ?? armSegment(arm, '/subscriptions/'));
  opt(e, 'azure.resource.group', str(r, 'resourceGroup') ?? armSegment(arm, '/resourceGroups/'));
}

/**
 * A Healthy sub-assessment has no finding, but it says its image was scanned: a scan of
 * that image (merged with the image's other scans of the day in `withScans`).
 */
function healthyScan(r, p, a) {
  const img = imageOf(r, p, a);
  const time = firstTime(get(p, 'timeGenerated'), get(r, 'timeGenerated'));
  if (img.objectId === undefined || time === undefined) return undefined;
  const scan = scanSkeleton(img.objectId, 'CONTAINER_IMAGE', img.repository ?? img.objectId);
  scan['scan.time.completed'] = time;
  putImageAndCloud(scan, img, r, p);
  return { placeholder: true, event: scan, time };
}

/**
 * The finding event of one record (`{ event, time }`), a Healthy record's scan
 * (`{ placeholder: true, ... }`), or undefined when it is skipped.
 */
export function mapRecord(r, originalContent) {
  if (r === null || typeof r !== 'object') throw new Error('not a record');
  if (lower(str(r, 'type')) !== SUB_ASSESSMENT) return undefined;
  for (const name of ['subAssessmentEventDataEnrichment', 'securityEventDataEnrichment']) {
    if (lower(str(get(r, name), 'action')) === 'delete') return undefined;
  }
  const p = get(r, 'properties');
  if (!p) throw new Error('missing properties');
  const a = get(p, 'additionalData');
  const assessed = str(a, 'assessedResourceType') ?? str(get(a, 'data'), 'assessedResourceType');
  if (!CONTAINER_TYPES.has(lower(assessed))) return undefined;
  const status = get(p, 'status');
  const code = str(status, 'code');
  if (lower(code) === 'healthy') return healthyScan(r, p, a);
  if (lower(code) === 'notapplicable') return undefined;

  const vuln = ad(a, 'vulnerabilityDetails');
  const sw = ad(a, 'softwareDetails');
  const arm = str(r, 'id') ?? '';
  const img = imageOf(r, p, a);
  let objectId = img.objectId;
  if (objectId === undefined) {
    if (img.resourceId === '') throw new Error('no image digest');
    objectId = img.resourceId;
  }
  const repository = img.repository;

  const vulnId = (str(vuln, 'cveId') ?? str(p, 'id')) || undefined;
  const pkg = str(sw, 'packageName');
  const ver = str(sw, 'version');
  const time = firstTime(get(p, 'timeGenerated'), get(r, 'timeGenerated'));
  if (time === undefined) throw new Error('no readable timeGenerated');
  const findingId = arm !== '' ? arm : uuidv5([objectId, vulnId ?? '', pkg ?? '', ver ?? '']);
  const cvss = cvssOf(vuln, a);
  const label = str(vuln, 'severity') ?? str(status, 'severity');
  const level = LEVELS[lower(label?.trim())] ?? 'NONE';
  const display = str(p, 'displayName') ?? vulnId ?? '';
  const title = pkg !== undefined ? (ver !== undefined ? `${display} in ${pkg} ${ver}` : `${display} in ${pkg}`) : display;

  const e = {
    'event.id': uuidv5([PROVIDER, findingId, objectId, time]),
    'event.kind': 'SECURITY_EVENT',
    'event.type': 'VULNERABILITY_FINDING',
    'event.name': 'Vulnerability finding event',
    'event.provider': 'Microsoft Defender for Cloud',
    'product.vendor': 'Microsoft',
    'product.name': 'Microsoft Defender for Cloud',
    'object.id': objectId,
    'object.type': 'CONTAINER_IMAGE',
    'object.name': repository ?? objectId,
    'finding.id': findingId,
    'finding.type': 'DEPENDENCY_VULNERABILITY',
    'finding.title': title,
    'finding.time.created': time,
    'finding.severity': label !== undefined && label.trim() !== '' ? label : level,
  };
  opt(e, 'finding.score', cvss.score);
  opt(e, 'finding.status', code);
  e['dt.security.risk.level'] = level;
  e['dt.security.risk.score'] = cvss.score !== undefined ? clamp(cvss.score) : FIXED[level];
  opt(e, 'vulnerability.id', vulnId);
  opt(e, 'vulnerability.title', display);
  opt(e, 'vulnerability.description', str(p, 'description'));
  const cveRefs = Array.isArray(ad(a, 'cve')) ? ad(a, 'cve') : [];
  const cves = [];
  for (const c of [vulnId, ...cveRefs.map((x) => str(x, 'title'))]) {
    if (typeof c === 'string' && c.startsWith('CVE-') && !cves.includes(c)) cves.push(c);
  }
  const wanted = vulnId !== undefined ? [vulnId, ...cves] : cves;
  const refs = list(vuln, 'references').concat(cveRefs);
  const link = refs.find((x) => wanted.includes(str(x, 'title')) && str(x, 'link') !== undefined);
  opt(e, 'vulnerability.references.cve', cves);
  opt(
    e,
    'vulnerability.references.cwe',
    list(get(vuln, 'weaknesses'), 'cwe')
      .map((w) => str(w, 'id'))
      .filter((x) => x !== undefined),
  );
  opt(e, 'vulnerability.external_url', str(link, 'link'));
  opt(e, 'vulnerability.cvss.base_score', cvss.score);
  opt(e, 'vulnerability.cvss.version', cvss.version);
  opt(e, 'vulnerability.cvss.vector', cvss.vector);
  const x = get(vuln, 'exploitabilityAssessment');
  if (x !== undefined && x !== null) {
    const flagged =
      bool(get(x, 'exploitStepsPublished')) === true ||
      bool(get(x, 'exploitStepsVerified')) === true ||
      bool(get(x, 'isInExploitKit')) === true ||
      list(x, 'exploitUris').length > 0;
    e['vulnerability.exploit.status'] = flagged ? 'AVAILABLE' : 'NOT_AVAILABLE';
  }
  const fix = str(sw, 'fixStatus');
  const patchable = ad(a, 'patchable');
  let remediation;
  if (fix !== undefined) {
    const f = fix.toLowerCase();
    remediation = f === 'fixavailable' ? 'AVAILABLE' : ['nofixavailable', 'wontfix', 'scheduled'].includes(f) ? 'NOT_AVAILABLE' : undefined;
  } else if (bool(patchable) !== undefined) {
    remediation = bool(patchable) ? 'AVAILABLE' : 'NOT_AVAILABLE';
  }
  opt(e, 'vulnerability.remediation.status', remediation);
  const fixed = str(sw, 'fixedVersion');
  if (fixed) e['vulnerability.remediation.fix_versions'] = [fixed];
  opt(e, 'vulnerability.remediation.description', str(p, 'remediation'));
  opt(e, 'component.name', pkg);
  opt(e, 'component.version', ver);
  putImageAndCloud(e, img, r, p);
  e['scan.id'] = ''; // set per image and day in withScans
  opt(e, 'defender.assessment.key', armSegment(arm, '/assessments/'));
  e['defender.assessed_resource_type'] = assessed;
  e['secmap.mapping.version'] = MAPPING_VERSION;
  if (originalContent) e['event.original_content'] = JSON.stringify(r);
  return { event: e, time };
}

/** An RFC 3339 UTC time as a key that sorts by instant (fraction padded to nanoseconds). */
function instantKey(t) {
  const m = /^(.{19})(?:\.(\d+))?Z$/.exec(t);
  return m === null ? t : `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}`;
}

/**
 * One VULNERABILITY_SCAN per image and UTC day of its records, in front of the image's
 * first finding of that day (or in place of its first Healthy record when it has none);
 * its `scan.id` (over the image and the day) goes into every finding of the image and day,
 * `scan.time.completed` is the latest time among them.
 */
function withScans(items) {
  const groups = new Map();
  for (const item of items) {
    const objectId = item.event['object.id'];
    const scanId = uuidv5([PROVIDER, 'scan', objectId, item.time.slice(0, 10)]);
    let g = groups.get(scanId);
    if (g === undefined) {
      g = { finding: undefined, placeholder: undefined, latest: undefined, latestKey: '' };
      groups.set(scanId, g);
    }
    if (item.placeholder) g.placeholder ??= item;
    else g.finding ??= item;
    const key = instantKey(item.time);
    if (g.latest === undefined || key > g.latestKey) {
      g.latest = item.time;
      g.latestKey = key;
    }
    item.scanId = scanId;
    if (!item.placeholder) item.event['scan.id'] = scanId;
  }
  const events = [];
  for (const item of items) {
    const g = groups.get(item.scanId);
    if (item.placeholder) {
      if (g.finding !== undefined || g.placeholder !== item) continue;
      events.push(scanEvent(item.event, item.scanId, g.latest));
      continue;
    }
    if (g.finding === item) {
      const f = item.event;
      const scan = scanSkeleton(f['object.id'], f['object.type'], f['object.name']);
      for (const k of SCAN_FIELDS) if (f[k] !== undefined) scan[k] = f[k];
      events.push(scanEvent(scan, item.scanId, g.latest));
    }
    events.push(item.event);
  }
  return events;
}

function scanEvent(scan, scanId, completed) {
  scan['event.id'] = uuidv5([PROVIDER, 'scan', scanId]);
  scan['scan.id'] = scanId;
  scan['scan.time.completed'] = completed;
  return scan;
}
