/**
 * secmap: map cloud security findings to Dynatrace security events, in WebAssembly.
 * The same types serve every entry (`node`, `workerd`, `browser`).
 */

// The contract (codes, options with their defaults, errors) is generated from the core
// by `cargo xtask codegen`: see contract.d.ts.
import type { ErrorCategory, ErrorCode, ErrorInfo, Options, Provider, SkipReason, WarningCode } from './contract.js';
export * from './contract.js';

/** A Dynatrace security event: flat dotted keys (`"dt.security.risk.level"`). */
export type SecurityEvent = Record<string, string | number | boolean | string[]>;

interface OutcomeBase {
  /** 0-based position of the record in the payload. */
  index: number;
  /** JSON pointer of the record in the payload (relative to its line for NDJSON). */
  pointer: string;
  /** 1-based line, for NDJSON payloads. */
  line?: number;
  /** The provider that handled the record. */
  provider?: string;
  /** With `reportUnmapped`: source paths no mapping read (array positions as `*`). */
  unmapped?: string[];
}

/** Every input record ends in exactly one outcome. */
export type RecordOutcome =
  | (OutcomeBase & { outcome: 'mapped'; events: number })
  | (OutcomeBase & { outcome: 'skipped'; reason: SkipReason; message: string })
  | (OutcomeBase & { outcome: 'rejected'; error: ErrorInfo });

export interface Warning {
  /** Index of the record it concerns. */
  record: number;
  code: WarningCode;
  message: string;
  /** JSON pointer of the source value it concerns. */
  pointer: string;
}

/**
 * What `transform` returns. The core writes the request body once; `bodyBytes` is that
 * body as it wrote it, and everything else is decoded or parsed on first read only, so a
 * host that sends `bodyBytes` never builds event objects it does not look at.
 */
export interface Output {
  /**
   * The ingest request body as the core wrote it: UTF-8 bytes of `[` + the events joined by
   * `,` + `]`. Pass it to `fetch` as is (`body: out.bodyBytes`, `Content-Type:
   * application/json; charset=utf-8`); no parsing or serializing on the way. Its own
   * buffer: later calls do not change it.
   */
  readonly bodyBytes: Uint8Array;
  /** The same body as a string (decoded from `bodyBytes` on first read). */
  readonly body: string;
  /** How many events the body holds (read without parsing it). */
  readonly eventCount: number;
  /**
   * The events, in record order, parsed from `body` on first read (then the same array
   * every time). Changing them does not change `body`/`bodyBytes`; `eventsToJson(events)`
   * serializes them again, byte-identical to `body` when unchanged.
   */
  readonly events: SecurityEvent[];
  /** One outcome per input record, in input order (parsed on first read). */
  readonly outcomes: RecordOutcome[];
  /** Parsed on first read. */
  readonly warnings: Warning[];
}

export interface Example {
  name: string;
  title: string;
  /** The payload, exactly as a host would receive it. */
  payload: string;
}

/** A `dt.security.risk.level` value. */
export type RiskLevel = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'NONE' | 'NOT_AVAILABLE';

/** A provider's severity rules (the core's `SeverityTable`). */
export interface SeverityTable {
  /** `<provider>/<version>`, e.g. `guardduty/1`. */
  id: string;
  /** Where the rules come from. */
  source: string;
  /** Vendor labels (matched case-insensitively) and their levels. */
  labels: { label: string; level: RiskLevel }[];
  /** Score bands, highest first: scores at or above `min` (above, when not `inclusive`). */
  bands: { level: RiskLevel; min: number; inclusive: boolean }[];
  /** The score of a level when only the level is known. */
  fixedScores: { level: RiskLevel; score: number }[];
  /** The documented score range [low, high]; scores outside are clamped with a warning. */
  range: [number, number];
  /** The level when the record carries no severity at all. */
  missing: RiskLevel;
}

export interface ProviderInfo {
  id: string;
  name: string;
  vendor: string;
  summary: string;
  eventTypes: string[];
  severity: SeverityTable;
  examples: Example[];
}

/** Thrown when a payload fails as a whole, or the options are malformed. */
export class SecmapError extends Error {
  readonly name: 'SecmapError';
  readonly code: ErrorCode;
  /** Whose fault it is (follows from `code`): what a host does about it. */
  readonly category: ErrorCategory;
  /** The message without code and location. */
  readonly detail: string;
  /** For `limit-exceeded`: the option whose limit was exceeded (`maxEvents`, ...). */
  readonly limit?: string;
  readonly pointer?: string;
  readonly line?: number;
  readonly column?: number;
}

/**
 * Maps a provider payload to Dynatrace security events. A bad record inside a readable
 * payload is rejected in `outcomes`; only a payload that fails as a whole throws.
 *
 * Bytes (`Uint8Array`, `Buffer`, `ArrayBuffer`, any view) are the cheapest input: they are
 * copied into the module as they are. A string is UTF-8 encoded first; an already-parsed
 * object is `JSON.stringify`-ed and encoded first (so hosts that can get the raw bytes,
 * e.g. a Worker's `request.arrayBuffer()`, should pass those).
 * @throws {SecmapError}
 */
export function transform(
  provider: Provider,
  payload: string | Uint8Array | ArrayBuffer | ArrayBufferView | object,
  options?: Options,
): Output;

/** The providers and their bundled examples. */
export function providers(): ProviderInfo[];

/** The mapping version stamped into every event as `secmap.mapping.version`. */
export function mappingVersion(): string;

/** The ingest request body: the events as one JSON array, byte-identical to the core's. */
export function eventsToJson(events: SecurityEvent[]): string;
