// `secmap/settings`: `transform` options from environment variables or app settings,
// shared by every host. A malformed value throws an Error that names the setting.
import { DEFAULT_OPTIONS } from './contract.js';

function setting(env, name) {
  const value = env[name];
  return value === undefined || value === null || value === '' ? undefined : String(value).trim();
}

export function boolSetting(env, name) {
  const value = setting(env, name);
  if (value === undefined) return undefined;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new Error(`setting ${name} must be true or false`);
}

export function intSetting(env, name) {
  const value = setting(env, name);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n <= 0) {
    throw new Error(`setting ${name} must be a positive integer`);
  }
  return n;
}

/** `SECMAP_MAX_EVENTS` → `maxEvents`: one setting per limit the core has. */
const LIMITS = Object.fromEntries(
  Object.keys(DEFAULT_OPTIONS.limits).map((key) => [`SECMAP_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`, key]),
);

/**
 * `transform` options from settings: SECMAP_ORIGINAL_CONTENT, SECMAP_ORIGINAL_CONTENT_MAX_BYTES,
 * SECMAP_SKIP_SAMPLE_FINDINGS, SECMAP_SET_TIMESTAMP (stamp events with the current time) and
 * the limits SECMAP_MAX_PAYLOAD_BYTES, _RECORDS, _DEPTH, _STRING_BYTES, _EVENTS, _OUTPUT_BYTES.
 * @returns {import('secmap').Options}
 */
export function transformOptionsFromEnv(env) {
  const options = {};
  const originalContent = boolSetting(env, 'SECMAP_ORIGINAL_CONTENT');
  if (originalContent !== undefined) options.originalContent = originalContent;
  const cap = intSetting(env, 'SECMAP_ORIGINAL_CONTENT_MAX_BYTES');
  if (cap !== undefined) options.originalContentMaxBytes = cap;
  const skipSamples = boolSetting(env, 'SECMAP_SKIP_SAMPLE_FINDINGS');
  if (skipSamples !== undefined) options.skipSampleFindings = skipSamples;
  if (boolSetting(env, 'SECMAP_SET_TIMESTAMP')) options.now = new Date().toISOString();
  for (const [name, key] of Object.entries(LIMITS)) {
    const n = intSetting(env, name);
    if (n !== undefined) (options.limits ??= {})[key] = n;
  }
  return options;
}
