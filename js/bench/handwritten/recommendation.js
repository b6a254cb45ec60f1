// Defender for Cloud's individual recommendations (the 2026 format that replaces the grouped
// container sub-assessments): one `Microsoft.Security/assessments` record per image ×
// vulnerable package, its CVEs in `additionalData.CvesDetails`. One VULNERABILITY_FINDING per
// CVE (and per detected version when the record lists several), the same fields as secmap's
// (docs/mapping/defender-for-cloud.md). Exports differ in key case (Resource Graph writes
// `ResourceDetails.Id`, continuous export `resourceDetails.id`) and send the nested documents
// either as objects or as JSON strings, so keys are matched in any case and a string field
// that should hold a document is parsed.
import { PROVIDER, FIXED, LEVELS, acrLoginServer, armSegment, lower, scanSkeleton, splitRegistry } from './defender-shared.js';
import { MAPPING_VERSION, clamp, firstTime, num, opt, uuidv5 } from './common.js';

/** `o[key]` with the key in any case (exports differ: `CveId`, `cveId`, `CVEID`). */
function ci(o, key) {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return undefined;
  if (o[key] !== undefined) return o[key];
  const want = key.toLowerCase();
  for (const k of Object.keys(o)) if (k.toLowerCase() === want) return o[k];
  return undefined;
}

/** A non-empty string field, or undefined. */
function text(o, key) {
  const v = ci(o, key);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new Error(`${key} is not a string`);
  return v === '' ? undefined : v;
}

/** The strings of a list field. */
function strs(o, key) {
  const v = ci(o, key);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new Error(`${key} is not a list`);
  return v.filter((x) => typeof x === 'string');
}

/** A list field. */
function items(o, key) {
  const v = ci(o, key);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new Error(`${key} is not a list`);
  return v;
}

/** A nested document, also when sent as a JSON string (an unreadable one rejects the record). */
function doc(o, key) {
  const v = ci(o, key);
  return typeof v === 'string' ? JSON.parse(v) : v;
}

const exists = (v) => v !== undefined && v !== null;

// The grouped container recommendations the individual ones replace: their parent
// assessments summarise sub-assessments and are not findings.
const GROUPED_KEYS = new Set([
  'c0b7cfc6-3172-465a-b378-53c7ff2cc0d5',
  '33422d8f-ab1e-42be-bc9a-38685bb567b9',
  'c609cf0f-71ab-41e9-a3c6-9a1f7fe1b8d5',
  '682b2595-d045-4cff-b5aa-46624eb2dd8f',
  'e538731a-80c8-4317-a119-13075e002516',
]);

const CONTENT_DIGEST = /^[a-z0-9]+:[0-9a-fA-F]{32,}$/;

/** `sha256:<64 hex>` inside a resource id (Azure `…-images-sha256:…`, AWS/GCP `…@sha256:…`). */
function digestInId(id) {
  if (id === undefined) return undefined;
  const at = id.indexOf('sha256:');
  if (at < 0) return undefined;
  const d = id.slice(at, at + 71);
  return d.length === 71 && CONTENT_DIGEST.test(d) ? d : undefined;
}

/** `[registry, repository]` of an image reference `host/repo@sha256:…`; ARM paths are not. */
function reference(s) {
  if (s === undefined || s.startsWith('/') || !s.includes('@')) return [undefined, undefined];
  let name = s.slice(0, s.indexOf('@'));
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) name = name.slice(0, colon);
  const [registry, repository] = splitRegistry(name);
  return [registry, repository || undefined];
}

/** The image: digest from the resource's additional data or its id, names from them or the URI. */
function imageOf(r, rd, rad) {
  const repo = ci(rad, 'repositoryDetails');
  const radDigest = text(rad, 'digest');
  const id = text(rd, 'id');
  const digest =
    (radDigest !== undefined && CONTENT_DIGEST.test(radDigest) ? radDigest : undefined) ??
    digestInId(id) ??
    digestInId(text(rd, 'nativeResourceId'));
  if (digest === undefined) throw new Error('no image digest');
  const [idRegistry, idRepository] = reference(id);
  const [uriRegistry, uriRepository] = reference(text(rad, 'imageUri'));
  const repository = text(repo, 'repositoryName') ?? idRepository ?? uriRepository ?? text(rd, 'resourceName');
  const registry =
    text(repo, 'registryHost') ?? uriRegistry ?? idRegistry ?? acrLoginServer(text(r, 'id')) ?? acrLoginServer(id);
  const name = registry && repository ? `${registry}/${repository}` : (repository ?? registry);
  return { digest, repository, registry, objectId: name ? `${name}@${digest}` : digest };
}

/** Image and cloud fields, on findings and scans alike. */
function putImageAndCloud(e, img, r, rd) {
  opt(e, 'container_image.digest', img.digest);
  opt(e, 'container_image.name', img.repository);
  opt(e, 'container_image.repository', img.repository);
  opt(e, 'container_image.registry', img.registry);
  const source = lower(text(rd, 'source'));
  opt(e, 'cloud.provider', source);
  if (source === 'aws') {
    opt(e, 'aws.account.id', text(rd, 'hierarchyId'));
    opt(e, 'aws.region', text(rd, 'region'));
    opt(e, 'aws.arn', text(rd, 'nativeCloudUniqueIdentifier'));
  }
  const arm = text(r, 'id') ?? '';
  opt(e, 'azure.tenant.id', text(r, 'tenantId'));
  opt(e, 'azure.subscription', text(r, 'subscriptionId') ?? armSegment(arm, '/subscriptions/'));
  opt(e, 'azure.resource.group', text(r, 'resourceGroup') ?? armSegment(arm, '/resourceGroups/'));
}

function placeholder(r, rd, img, time) {
  const scan = scanSkeleton(img.objectId, 'CONTAINER_IMAGE', img.repository ?? img.objectId);
  scan['scan.time.completed'] = time;
  putImageAndCloud(scan, img, r, rd);
  return { placeholder: true, event: scan, time };
}

/** Whether the record is a container image's recommendation (else it is skipped). */
function isContainerImage(r, ad, rd, rad) {
  const name = text(r, 'name');
  if ((name !== undefined && GROUPED_KEYS.has(name.toLowerCase())) || exists(ci(ad, 'subAssessmentsLink'))) return false;
  const type = text(rd, 'resourceType');
  if (type !== undefined) return type.trim().toLowerCase() === '.containerimage';
  // Older exports leave the type out: CVEs and an image digest make it an image.
  const digest = text(rad, 'digest');
  return exists(ci(ad, 'cvesDetails')) && ((digest !== undefined && CONTENT_DIGEST.test(digest)) || digestInId(text(rd, 'id')) !== undefined);
}

/** `FixAvailable` → AVAILABLE; the no-fix values → NOT_AVAILABLE; else nothing. */
function fixStatus(s) {
  const f = s.trim().toLowerCase();
  if (f === 'fixavailable') return 'AVAILABLE';
  if (['nofixavailable', 'nofix', 'willnotfix', 'wontfix', 'scheduled'].includes(f)) return 'NOT_AVAILABLE';
  return undefined;
}

function bool(v, key) {
  const x = ci(v, key);
  if (x === true || (typeof x === 'string' && x.toLowerCase() === 'true')) return true;
  return false;
}

/** Text of `remediationDescription`, which may hold HTML line breaks. */
function stripHtml(s) {
  return s
    .replace(/<([^>]*)>/g, (_, tag) => (/^\s*(br|\/p|\/li)/i.test(tag) ? '\n' : ''))
    .trim();
}

/** The CVSS entry of the highest version with a score or a vector. */
function cvssOf(cve) {
  const entries = items(cve, 'cvss')
    .filter((c) => exists(ci(c, 'value')))
    .map((c) => ({ key: typeof ci(c, 'key') === 'string' ? ci(c, 'key') : '', value: ci(c, 'value') }));
  const n = (k) => (k.trim() !== '' && Number.isFinite(Number(k)) ? Number(k) : undefined);
  entries.sort((a, b) => {
    const x = n(a.key);
    const y = n(b.key);
    if (x !== undefined && y !== undefined) return x - y;
    return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  });
  for (let i = entries.length - 1; i >= 0; i--) {
    const v = entries[i].value;
    const base = ci(v, 'base');
    const vector = text(v, 'cvssVectorString');
    if (!exists(base) && vector === undefined) continue;
    const score = exists(base) ? num(base) : undefined;
    if (exists(base) && score === undefined) throw new Error('CVSS base is not a number');
    return { score, vector, version: vector?.startsWith('CVSS:') ? vector.slice(5).split('/')[0] : undefined };
  }
  return {};
}

/** Findings a record may fan out to, per CVE entry and detected version it lists. */
const FANOUT = 8;

/**
 * The items of one individual-recommendation record: its findings (`{ event, time }`), a
 * scan of its image when it has none (`{ placeholder: true, ... }`), or none when skipped.
 */
export function mapRecommendation(r, originalContent) {
  const p = ci(r, 'properties');
  const ad = ci(p, 'additionalData');
  const rd = ci(p, 'resourceDetails');
  const rad = doc(p, 'resourceAdditionalData');
  if (!isContainerImage(r, ad, rd, rad)) return [];
  for (const name of ['assessmentEventDataEnrichment', 'securityEventDataEnrichment']) {
    const action = ci(ci(r, name), 'action');
    if (typeof action === 'string' && action.trim().toLowerCase() === 'delete') return [];
  }
  const status = ci(p, 'status');
  const code = typeof ci(status, 'code') === 'string' ? ci(status, 'code') : '';
  if (code.toLowerCase() === 'notapplicable') return [];
  const time = firstTime(ci(status, 'statusChangeDate'), ci(status, 'firstEvaluationDate'), ci(r, 'timeGenerated'));
  if (code.toLowerCase() === 'healthy') {
    // The package is fixed: no finding, but the image was scanned.
    let img;
    try {
      img = imageOf(r, rd, rad);
    } catch {
      return [];
    }
    return time === undefined ? [] : [placeholder(r, rd, img, time)];
  }
  const img = imageOf(r, rd, rad);
  if (time === undefined) throw new Error('no readable time');

  const scanners = doc(ad, 'scannersDetails');
  const cvesDoc = doc(ad, 'cvesDetails');
  if (exists(cvesDoc) && !Array.isArray(cvesDoc)) throw new Error('CvesDetails is not a list');
  const cves = exists(cvesDoc) ? cvesDoc : [];
  let versions = [];
  let scannerFixed;
  let scannerFixStatus;
  for (const name of ['mdvm', 'agentlessmdvm']) {
    const s = ci(scanners, name);
    if (versions.length === 0) versions = strs(s, 'detectedSoftwareVersions');
    scannerFixed ??= text(s, 'fixedVersion');
    scannerFixStatus ??= text(s, 'fixStatus');
  }
  if (versions.length === 0) {
    const top = ci(ad, 'detectedSoftwareVersions');
    versions = typeof top === 'string' ? top.split(',').map((v) => v.trim()) : strs(ad, 'detectedSoftwareVersions');
  }
  versions = [...new Set(versions.filter((v) => v.trim() !== ''))];

  const m = ci(p, 'metadata');
  const pkg = text(ad, 'softwareName');
  const fixedVersion = scannerFixed ?? text(ad, 'fixedVersion');
  const pkgFixStatus = scannerFixStatus ?? text(ad, 'fixStatus');
  const displayName = text(m, 'displayName') ?? text(p, 'displayName');
  const recordSeverity = typeof ci(m, 'severity') === 'string' ? ci(m, 'severity').trim() || undefined : undefined;
  const description = text(m, 'description');
  const remediation = text(m, 'remediationDescription');
  const category = text(m, 'recommendationCategory');

  const several = versions.length > 1;
  const perCve = versions.length ? versions : [undefined];
  const [n, k] = [cves.length, perCve.length];
  if (several && n * k > FANOUT * (n + k)) throw new Error('too many CVEs × versions');
  const arm = text(r, 'id');
  const recordId = arm ?? uuidv5([img.objectId, pkg ?? '']);
  const key = text(r, 'name') ?? armSegment(arm ?? '', '/assessments/');
  const original = originalContent ? JSON.stringify(r) : undefined;

  const out = [];
  cves.forEach((cve, index) => {
    const cveId = text(cve, 'cveId')?.trim() || undefined;
    const cvss = cvssOf(cve);
    // The CVE's own severity, else the record's.
    const own = typeof ci(cve, 'severity') === 'string' ? ci(cve, 'severity').trim() || undefined : undefined;
    const label = own ?? recordSeverity;
    const level = (label !== undefined && LEVELS[label.toLowerCase()]) || 'NONE';
    const score = level === 'NONE' ? 0 : cvss.score !== undefined ? clamp(cvss.score) : FIXED[level];
    const base = `${recordId}/${cveId ?? index}`;
    const display = cveId ?? displayName ?? '';
    const exploit = ci(cve, 'exploitabilityDetails');
    const fixed = text(cve, 'fixedVersion') ?? fixedVersion;
    const fs = text(cve, 'fixStatus') ?? pkgFixStatus;
    const refs = items(cve, 'references');
    const link = refs.find((x) => cveId !== undefined && ci(x, 'title') === cveId && typeof ci(x, 'url') === 'string');
    const cveIds = [...new Set([cveId, ...strs(cve, 'additionalIdentifiers')].filter((c) => c?.startsWith('CVE-')))];
    const ext = ci(cve, 'extendedDescription');
    const cveRemediation = text(ext, 'remediation');
    for (const version of perCve) {
      const e = {
        'event.kind': 'SECURITY_EVENT',
        'event.type': 'VULNERABILITY_FINDING',
        'event.name': 'Vulnerability finding event',
        'event.provider': 'Microsoft Defender for Cloud',
        'product.vendor': 'Microsoft',
        'product.name': 'Microsoft Defender for Cloud',
        'object.id': img.objectId,
        'object.type': 'CONTAINER_IMAGE',
        'object.name': img.repository ?? img.objectId,
        'finding.id': several && version !== undefined ? `${base}/${version}` : base,
        'finding.type': 'DEPENDENCY_VULNERABILITY',
        'finding.title': pkg !== undefined ? `${display} in ${pkg}${version !== undefined ? ` ${version}` : ''}` : display,
        'finding.time.created': time,
        'finding.severity': label ?? level,
      };
      e['event.id'] = uuidv5([PROVIDER, e['finding.id'], img.objectId, time]);
      opt(e, 'finding.score', cvss.score);
      opt(e, 'finding.status', code);
      e['dt.security.risk.level'] = level;
      e['dt.security.risk.score'] = score;
      opt(e, 'vulnerability.id', cveId);
      opt(e, 'vulnerability.title', cveId);
      opt(e, 'vulnerability.description', text(cve, 'description') ?? text(ext, 'summary') ?? description);
      opt(e, 'vulnerability.references.cve', cveIds);
      opt(
        e,
        'vulnerability.references.cwe',
        items(cve, 'weaknesses')
          .map((w) => text(w, 'id'))
          .filter((x) => x !== undefined),
      );
      opt(e, 'vulnerability.external_url', link !== undefined ? ci(link, 'url') : undefined);
      opt(e, 'vulnerability.cvss.base_score', cvss.score);
      opt(e, 'vulnerability.cvss.version', cvss.version);
      opt(e, 'vulnerability.cvss.vector', cvss.vector);
      if (exists(exploit)) {
        const flagged =
          ['exploitStepsPublished', 'exploitStepsVerified', 'isInExploitKit', 'isPubliclyDisclosed', 'isVerified'].some((f) =>
            bool(exploit, f),
          ) || strs(exploit, 'exploitUris').length > 0;
        e['vulnerability.exploit.status'] = flagged ? 'AVAILABLE' : 'NOT_AVAILABLE';
      }
      opt(e, 'vulnerability.remediation.status', fs !== undefined ? fixStatus(fs) : fixed !== undefined ? 'AVAILABLE' : undefined);
      if (fixed !== undefined) e['vulnerability.remediation.fix_versions'] = [fixed];
      opt(e, 'vulnerability.remediation.description', cveRemediation ?? (remediation !== undefined ? stripHtml(remediation) : undefined));
      opt(e, 'component.name', pkg);
      opt(e, 'component.version', version);
      putImageAndCloud(e, img, r, rd);
      e['scan.id'] = ''; // set per image and day in withScans
      opt(e, 'defender.assessment.key', key);
      opt(e, 'defender.recommendation.category', category);
      e['secmap.mapping.version'] = MAPPING_VERSION;
      if (original !== undefined) e['event.original_content'] = original;
      out.push({ event: e, time });
    }
  });
  // A record without CVE entries still says its image was scanned.
  return out.length ? out : [placeholder(r, rd, img, time)];
}
