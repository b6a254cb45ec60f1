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

function rethrow(e) {
  if (e && typeof e === 'object' && typeof e.code === 'string' && typeof e.message === 'string') {
    throw new SecmapError(e);
  }
  throw e;
}

/**
 * Maps a provider payload to Dynatrace security events.
 * @param {string} provider a provider id (`PROVIDERS`) or `auto`
 * @param {string | Uint8Array | ArrayBuffer | ArrayBufferView | object} payload
 * @param {import('./index.js').Options} [options]
 * @returns {import('./index.js').Output}
 */
export function transform(provider, payload, options) {
  try {
    // The core hands the output over as JSON text (see crates/wasm-js).
    return JSON.parse(wasmTransform(provider, toBytes(payload), options));
  } catch (e) {
    return rethrow(e);
  }
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
