/**
 * secmap: map cloud security findings to Dynatrace security events, in WebAssembly.
 * The same types serve every entry (`node`, `workerd`, `browser`).
 */

/** A provider id, or `auto` to detect each record's provider from its shape. */
export type Provider = 'auto' | 'defender-for-cloud' | 'guardduty' | (string & {});

/** Options of one `transform` call; every field is optional. */
export interface Options {
  /** Put the vendor record into `event.original_content` (default true). */
  originalContent?: boolean;
  /** Cut `event.original_content` at this many bytes, with a warning (default: no cap). */
  originalContentMaxBytes?: number;
  /** Report, per mapped record, the source paths no mapping read (default false). */
  reportUnmapped?: boolean;
  /** Skip provider sample findings instead of mapping and marking them (default false). */
  skipSampleFindings?: boolean;
  /** The host's current time (RFC 3339); when set, every event gets `timestamp`. */
  now?: string;
  /** Resource limits; exceeding one throws a `SecmapError` with code `limit-exceeded`. */
  limits?: Limits;
}

export interface Limits {
  /** Largest payload, in bytes (default 64 MiB). */
  maxPayloadBytes?: number;
  /** Most records in one payload (default 100,000). */
  maxRecords?: number;
  /** Deepest JSON nesting (default 64). */
  maxDepth?: number;
  /** Longest string copied from the payload into an event, in bytes (default 32 KiB, at least 64). */
  maxStringBytes?: number;
  /** Most events one call may produce (default 250,000). */
  maxEvents?: number;
}

/** A Dynatrace security event: flat dotted keys (`"dt.security.risk.level"`). */
export type SecurityEvent = Record<string, string | number | boolean | string[]>;

export type ErrorCode =
  | 'unknown-provider'
  | 'invalid-utf8'
  | 'invalid-json'
  | 'empty-payload'
  | 'limit-exceeded'
  | 'missing-field'
  | 'invalid-value'
  | 'unrecognized-record'
  | 'invalid-options'
  | 'internal';

/** Why a payload or a record could not be mapped, and where. */
export interface ErrorInfo {
  code: ErrorCode;
  /** Lowercase words, without the location. */
  message: string;
  /** RFC 6901 JSON pointer of the offending value, from the payload root. */
  pointer?: string;
  /** 1-based line in the payload text (of the error, or of the rejected record). */
  line?: number;
  /** 1-based column. */
  column?: number;
}

export type SkipReason =
  | 'not-a-finding'
  | 'resolved'
  | 'not-applicable'
  | 'unsupported-record-type'
  | 'sample-finding';

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

export type WarningCode =
  | 'severity-out-of-range'
  | 'severity-unknown'
  | 'severity-missing'
  | 'timestamp-normalized'
  | 'timestamp-invalid'
  | 'value-coerced'
  | 'string-truncated'
  | 'original-content-truncated'
  | 'original-content-shared'
  | 'unknown-resource-type'
  | 'not-a-content-digest'
  | 'id-derived';

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

export interface ProviderInfo {
  id: string;
  name: string;
  vendor: string;
  summary: string;
  eventTypes: string[];
  examples: Example[];
}

/** Thrown when a payload fails as a whole, or the options are malformed. */
export class SecmapError extends Error {
  readonly name: 'SecmapError';
  readonly code: ErrorCode;
  /** The message without code and location. */
  readonly detail: string;
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
