// The runtime-independent part of the package. The entry files (node.js, workerd.js,
// browser.js) differ only in how they load the .wasm; each initializes it, then
// re-exports this module.
import {
  transform as wasmTransform,
  providers as wasmProviders,
  mappingVersion as wasmMappingVersion,
} from '../dist/secmap_wasm.js';

// The contract's codes and defaults, generated from the core (`cargo xtask codegen`).
export * from './contract.js';

/**
 * An error of the whole payload (or of the options): `code` says which kind, `category`
 * whose fault it is, `limit` which limit a `limit-exceeded` hit. All come from the core.
 */
export class SecmapError extends Error {
  constructor({ code, category, message, limit, pointer, line, column }) {
    const where = [
      pointer !== undefined ? `at ${pointer}` : null,
      line !== undefined ? `line ${line} column ${column}` : null,
    ].filter(Boolean);
    super(where.length ? `${code}: ${message} (${where.join(', ')})` : `${code}: ${message}`);
    this.name = 'SecmapError';
    this.code = code;
    this.category = category;
    this.detail = message;
    if (limit !== undefined) this.limit = limit;
    if (pointer !== undefined) this.pointer = pointer;
    if (line !== undefined) this.line = line;
    if (column !== undefined) this.column = column;
  }
}

const encoder = new TextEncoder();

/** The payload as UTF-8 bytes: strings, bytes, or an already-parsed JSON value. */
function toBytes(payload) {
  if (typeof payload === 'string') return encoder.encode(payload);
  if (payload instanceof Uint8Array) return payload;
  if (payload instanceof ArrayBuffer) return new Uint8Array(payload);
  if (ArrayBuffer.isView(payload)) {
    return new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength);
  }
  if (payload !== null && payload !== undefined && typeof payload === 'object') {
    // Already parsed, as Azure Functions hands Event Hubs messages over.
    return encoder.encode(JSON.stringify(payload));
  }
  throw new TypeError('payload must be a string, bytes, or a parsed JSON object or array');
}

/** The options as JSON text for the core (`undefined`: the defaults). */
function optionsJson(options) {
  if (options === undefined || options === null) return undefined;
  let text;
  try {
    text = JSON.stringify(options);
  } catch (e) {
    text = undefined; // BigInt, cycles: not options
  }
  if (text === undefined) {
    throw new SecmapError({
      code: 'invalid-options',
      category: 'usage',
      message: 'options must be a plain object',
    });
  }
  return text;
}

function rethrow(e) {
  if (e && typeof e === 'object' && typeof e.code === 'string' && typeof e.message === 'string') {
    throw new SecmapError(e);
  }
  throw e;
}

const decoder = new TextDecoder();

/** A little-endian u32 at `i` (no DataView: one less object per call). */
const u32le = (b, i) => (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;

/**
 * The output of one call, from the buffer the core returns (`BODY REPORT BODY_LEN EVENTS`,
 * see crates/wasm-js): `bodyBytes` is a view of the body as the core wrote it; `body`,
 * `events`, `outcomes` and `warnings` are decoded or parsed on first read only, so a host
 * that sends `bodyBytes` never pays for objects it does not look at.
 */
function output(buf) {
  const n = buf.length;
  const bodyLength = u32le(buf, n - 8);
  const eventCount = u32le(buf, n - 4);
  const bodyBytes = buf.subarray(0, bodyLength);
  let body;
  let events;
  let report;
  const bodyText = () => {
    body ??= decoder.decode(bodyBytes);
    return body;
  };
  const readReport = () => {
    report ??= JSON.parse(decoder.decode(buf.subarray(bodyLength, n - 8)));
    return report;
  };
  return {
    get events() {
      events ??= JSON.parse(bodyText());
      return events;
    },
    get outcomes() {
      return readReport().outcomes;
    },
    get warnings() {
      return readReport().warnings;
    },
    get body() {
      return bodyText();
    },
    bodyBytes,
    eventCount,
  };
}

/**
 * Maps a provider payload to Dynatrace security events.
 * @param {string} provider a provider id (`PROVIDERS`) or `auto`
 * @param {string | Uint8Array | ArrayBuffer | ArrayBufferView | object} payload
 * @param {import('./index.js').Options} [options]
 * @returns {import('./index.js').Output}
 */
export function transform(provider, payload, options) {
  let buf;
  try {
    buf = wasmTransform(provider, toBytes(payload), optionsJson(options));
  } catch (e) {
    return rethrow(e);
  }
  return output(buf);
}

/** The providers and their bundled examples. */
export function providers() {
  return wasmProviders();
}

/** The mapping version stamped into every event as `secmap.mapping.version`. */
export function mappingVersion() {
  return wasmMappingVersion();
}

/**
 * The request body for the ingest API: the events as one JSON array. Events serialize to
 * exactly the bytes the core produced (numbers and escapes follow JSON.stringify).
 * @param {Array<object>} events
 */
export function eventsToJson(events) {
  return JSON.stringify(events);
}
