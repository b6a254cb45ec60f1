// What both hand-written mappers share: reading fields in camelCase or PascalCase, event ids,
// timestamps, severity bands, and the event skeleton. Written the way a forwarder author
// would write it for Dynatrace: plain objects, JSON.parse in, JSON.stringify out, Node's
// crypto for the UUIDv5 ids. No dependency on secmap.
import { createHash } from 'node:crypto';

/** The mapping version secmap stamps into its events (`MAPPING_VERSION` in crates/core). */
export const MAPPING_VERSION = '2.0.0';

/**
 * `o[key]`, or its PascalCase spelling (`Id` for `id`): GetFindings results printed by
 * boto3 and .NET exports capitalize the first letter, the rest of the key is the same.
 */
export function get(o, key) {
  if (o === null || typeof o !== 'object') return undefined;
  const v = o[key];
  if (v !== undefined) return v;
  return o[key[0].toUpperCase() + key.slice(1)];
}

/** A string field, or undefined (a forwarder drops values of the wrong type). */
export function str(o, key) {
  const v = get(o, key);
  return typeof v === 'string' ? v : undefined;
}

/** A list field, or an empty list. */
export function list(o, key) {
  const v = get(o, key);
  return Array.isArray(v) ? v : [];
}

/** Sets `key` unless the value is missing, empty, or an empty list (as secmap's events). */
export function opt(e, key, v) {
  if (v === undefined || v === null || v === '') return;
  if (Array.isArray(v) && v.length === 0) return;
  e[key] = v;
}

// UUIDv5 (RFC 9562) over secmap's namespace, the same name layout as crates/core/src/ids.rs:
// the parts joined by U+001F, a part holding U+001F or U+001B escaped with U+001B.
const NAMESPACE = Buffer.from('5ec3a9d14b7e5f02a6c89d3e1f2b4c70', 'hex');
const SEP = '\u001f';
const ESCAPE_RE = /[\u001f\u001b]/g;

export function uuidv5(parts) {
  let name = '';
  for (let i = 0; i < parts.length; i++) {
    if (i > 0) name += SEP;
    const p = parts[i];
    name += p.includes(SEP) || p.includes('\u001b') ? p.replace(ESCAPE_RE, '\u001b$&') : p;
  }
  const h = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.toString('hex', 0, 16);
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)?$/i;

/**
 * A timestamp as RFC 3339 UTC with the fraction's trailing zeros trimmed (as secmap
 * writes it): offsets converted, a missing offset taken as UTC, epoch seconds or
 * milliseconds by magnitude.
 */
export function utc(v) {
  if (typeof v === 'string') {
    const m = RFC3339.exec(v.trim());
    if (m === null) {
      const t = Date.parse(v);
      return Number.isNaN(t) ? undefined : trimmed(new Date(t).toISOString());
    }
    const [, base, fraction = '', offset = 'Z'] = m;
    let seconds = `${base}Z`;
    if (offset.toUpperCase() !== 'Z') {
      const t = Date.parse(`${base}${offset}`);
      if (Number.isNaN(t)) return undefined;
      seconds = new Date(t).toISOString().slice(0, 19) + 'Z';
    }
    const f = fraction.replace(/0+$/, '');
    return f === '' ? seconds : `${seconds.slice(0, 19)}.${f}Z`;
  }
  if (typeof v === 'number' && Number.isFinite(v)) {
    return trimmed(new Date(v < 1e11 ? v * 1000 : v).toISOString());
  }
  return undefined;
}

const trimmed = (iso) => iso.replace(/\.(\d*?)0*Z$/, (_, f) => (f ? `.${f}Z` : 'Z'));

/** A boolean field, also when sent as the string "true" or "false". */
export function bool(v) {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const l = v.toLowerCase();
    if (l === 'true') return true;
    if (l === 'false') return false;
  }
  return undefined;
}

/** The first readable time of the candidates. */
export function firstTime(...candidates) {
  for (const c of candidates) {
    const t = utc(c);
    if (t !== undefined) return t;
  }
  return undefined;
}

/** Dynatrace's bands (≥9 CRITICAL, ≥7 HIGH, ≥4 MEDIUM, >0 LOW, else NONE). */
export function band(score) {
  if (score >= 9) return 'CRITICAL';
  if (score >= 7) return 'HIGH';
  if (score >= 4) return 'MEDIUM';
  if (score > 0) return 'LOW';
  return 'NONE';
}

export const clamp = (n) => Math.min(Math.max(n, 0), 10);

/** A number field, also when sent as a numeric string; undefined when absent or unreadable. */
export function num(v) {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** The JSON text of a payload given as a string, bytes, or already parsed. */
const decoder = new TextDecoder();
export function parse(input) {
  if (typeof input === 'string') return JSON.parse(input);
  if (input instanceof Uint8Array) return JSON.parse(decoder.decode(input));
  return input;
}
