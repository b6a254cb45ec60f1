/**
 * `secmap/settings`: `transform` options from environment variables or app settings, as
 * every host reads them. A malformed value throws an `Error` that names the setting.
 */
import type { Options } from './index.js';

/**
 * Options from `SECMAP_ORIGINAL_CONTENT` (true/false), `SECMAP_ORIGINAL_CONTENT_MAX_BYTES`,
 * `SECMAP_SKIP_SAMPLE_FINDINGS`, `SECMAP_SET_TIMESTAMP` (stamp events with the current
 * time) and the limits `SECMAP_MAX_PAYLOAD_BYTES`, `SECMAP_MAX_RECORDS`, `SECMAP_MAX_DEPTH`,
 * `SECMAP_MAX_STRING_BYTES`, `SECMAP_MAX_EVENTS`, `SECMAP_MAX_OUTPUT_BYTES`. Unset settings keep
 * the defaults.
 */
export function transformOptionsFromEnv(env: Record<string, string | undefined>): Options;

/** A boolean setting (`1/true/yes/on`, `0/false/no/off`); `undefined` when unset. */
export function boolSetting(env: Record<string, string | undefined>, name: string): boolean | undefined;

/** A positive whole-number setting; `undefined` when unset. */
export function intSetting(env: Record<string, string | undefined>, name: string): number | undefined;
