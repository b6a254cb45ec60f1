// A hand-written Defender for Cloud → Dynatrace `security.events` mapper: what a team
// would write in its own Azure Function on the continuous-export Event Hub instead of using
// secmap. One VULNERABILITY_FINDING per container image sub-assessment and one
// VULNERABILITY_SCAN per image per call, with the same fields as secmap's events
// (docs/mapping/defender-for-cloud.md). Differences from secmap are listed in README.md
// next to this file.
import { MAPPING_VERSION, bool, clamp, firstTime, get, list, num, opt, parse, str, uuidv5 } from './common.js';

const PROVIDER = 'defender-for-cloud';
const SUB_ASSESSMENT = 'microsoft.security/assessments/subassessments';
const CONTAINER_TYPES = new Set([
  'containerregistryvulnerability',
  'azurecontainerregistryvulnerability',
  'awscontainerregistryvulnerability',
  'gcpcontainerregistryvulnerability',
]);
const LEVELS = {
  critical: 'CRITICAL',
  high: 'HIGH',
  medium: 'MEDIUM',
  low: 'LOW',
  informational: 'NONE',
  unknown: 'NONE',
  none: 'NONE',
};
const FIXED = { CRITICAL: 10, HIGH: 8.9, MEDIUM: 6.9, LOW: 3.9, NONE: 0 };
const SCAN_FIELDS = [
  'container_image.digest',
  'container_image.id',
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
  const inner = get(doc, 'records') ?? get(doc, 'value');
  if (Array.isArray(inner)) return records(inner, out);
  out.push(doc);
  return out;
}

/**
 * Maps a Defender payload (string, bytes or parsed) to events; returns the request body
 * (`JSON.stringify` of the events) and the event count.
 */
export function transformDefender(input, { originalContent = true } = {}) {
  const findings = [];
  let rejected = 0;
  for (const record of records(parse(input))) {
    // A bad record is logged and dropped, as a forwarder does; the others still go out.
    try {
      const e = mapRecord(record, originalContent);
      if (e !== undefined) findings.push(e);
    } catch {
      rejected++;
    }
  }
  const events = withScans(findings);
  return { body: JSON.stringify(events), events: events.length, rejected };
}

const lower = (s) => (typeof s === 'string' ? s.toLowerCase() : '');

/** `additionalData.<key>`, or inside its `data` wrapper. */
const ad = (a, key) => get(a, key) ?? get(get(a, 'data'), key);

/** The segment after `key` in an ARM id (case-insensitive), unless a `{placeholder}`. */
function armSegment(arm, key) {
  if (typeof arm !== 'string') return undefined;
  const at = arm.toLowerCase().indexOf(key.toLowerCase());
  if (at < 0) return undefined;
  const seg = arm.slice(at + key.length).split('/')[0].trim();
  return seg !== '' && !seg.startsWith('{') ? seg : undefined;
}

function splitRegistry(name) {
  const slash = name.indexOf('/');
  if (slash > 0) {
    const first = name.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') return [first, name.slice(slash + 1)];
  }
  return [undefined, name];
}

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

function acrLoginServer(arm) {
  const name = armSegment(arm, '/providers/Microsoft.ContainerRegistry/registries/');
  return name !== undefined && !name.includes(' ') ? `${name.toLowerCase()}.azurecr.io` : undefined;
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

/** The finding event of one record, or undefined when it is skipped. */
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
  if (lower(code) === 'healthy' || lower(code) === 'notapplicable') return undefined;

  const vuln = ad(a, 'vulnerabilityDetails');
  const art = ad(a, 'artifactDetails');
  const sw = ad(a, 'softwareDetails');
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
  } else if (resourceId !== '') {
    objectId = resourceId;
  } else {
    throw new Error('no image digest');
  }

  const vulnId = (str(vuln, 'cveId') ?? str(p, 'id')) || undefined;
  const pkg = str(sw, 'packageName');
  const ver = str(sw, 'version');
  const time = firstTime(get(p, 'timeGenerated'), get(r, 'timeGenerated'));
  if (time === undefined) throw new Error('no readable timeGenerated');
  const findingId = arm !== '' ? arm.toLowerCase() : uuidv5([objectId, vulnId ?? '', pkg ?? '', ver ?? '']);
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
  opt(e, 'container_image.digest', digest);
  opt(e, 'container_image.id', otherId);
  opt(e, 'container_image.repository', repository);
  opt(e, 'container_image.registry', registry);
  opt(e, 'container_image.tags', tags);
  e['scan.id'] = ''; // set per image in withScans
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
  opt(e, 'defender.assessment.key', armSegment(arm, '/assessments/'));
  e['defender.assessed_resource_type'] = assessed;
  e['secmap.mapping.version'] = MAPPING_VERSION;
  if (originalContent) e['event.original_content'] = JSON.stringify(r);
  return e;
}

/**
 * One VULNERABILITY_SCAN per image, in front of the image's first finding; its `scan.id`
 * (over the image and its latest finding time) goes into every finding of the image.
 */
function withScans(findings) {
  const groups = new Map();
  for (const e of findings) {
    const id = e['object.id'];
    let g = groups.get(id);
    if (g === undefined) {
      g = { first: e, members: [], latest: undefined, latestMs: -Infinity };
      groups.set(id, g);
    }
    g.members.push(e);
    const ms = Date.parse(e['finding.time.created']);
    if (ms > g.latestMs) {
      g.latestMs = ms;
      g.latest = e['finding.time.created'];
    }
  }
  const scanOf = new Map();
  for (const [objectId, g] of groups) {
    const completed = g.latest ?? '';
    const scanId = uuidv5([PROVIDER, 'scan', objectId, completed]);
    for (const m of g.members) m['scan.id'] = scanId;
    const f = g.first;
    const scan = {
      'event.id': uuidv5([PROVIDER, 'scan', scanId]),
      'event.kind': 'SECURITY_EVENT',
      'event.type': 'VULNERABILITY_SCAN',
      'event.name': 'Vulnerability scan event',
      'event.provider': 'Microsoft Defender for Cloud',
      'product.vendor': 'Microsoft',
      'product.name': 'Microsoft Defender for Cloud',
      'object.id': objectId,
      'object.type': f['object.type'],
      'object.name': f['object.name'],
      'scan.id': scanId,
      'scan.name': 'Defender for Cloud container image vulnerability assessment',
    };
    opt(scan, 'scan.time.completed', completed);
    for (const k of SCAN_FIELDS) if (f[k] !== undefined) scan[k] = f[k];
    scan['secmap.mapping.version'] = MAPPING_VERSION;
    scanOf.set(f, scan);
  }
  const events = [];
  for (const e of findings) {
    const scan = scanOf.get(e);
    if (scan !== undefined) events.push(scan);
    events.push(e);
  }
  return events;
}
