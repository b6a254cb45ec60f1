#!/usr/bin/env node
// A fake Dynatrace OpenPipeline security-events ingest API on 127.0.0.1, for the tests of
// every host (and, through its CLI mode, of non-JS hosts such as `secmap forward`).
//
// It answers like Dynatrace: `POST /platform/ingest/v1/security.events` (or a custom
// endpoint `/platform/ingest/custom/security.events/<name>`) with
// `Authorization: Api-Token <token>`, `Content-Type: application/json` and a JSON array
// body gets `202` and an empty body. Otherwise: 404 (path), 405 (method), 401 (token),
// 413 (body over maxBodyBytes), 400 (content type, not UTF-8, not JSON, not an array);
// errors carry Dynatrace's envelope `{"error":{"code":N,"message":"..."}}`.
//
// Faults are a queue, each applied to the next ingest request in arrival order:
//   {status: 429, retryAfter: 1}   answer 429 (Retry-After: seconds, or an HTTP-date string)
//   {status: 500} / {status: 503}  answer that status (any of 300-599, e.g. 400/401/413), with
//                                  Dynatrace's JSON error envelope ({message} overrides its text)
//   {status: 307, location: '/x'}  a redirect (any 3xx) with a Location header
//   {status: 500, bodyBytes: N}    an error body of N bytes, streamed (a hostile or broken
//                                  server); the client should stop reading early
//   {delayMs: N}                   wait N ms, then answer normally (a slow server); if the
//                                  client gave up meanwhile, nothing is accepted.
//                                  {delayMs: 0} lets one request through unharmed
//   {reset: true}                  destroy the socket without answering
// A fault answer never accepts the events.
//
// JS:  const fake = await startFakeIngest({ token, maxBodyBytes });
//      fake.url, fake.requests, fake.events, fake.bodies, fake.setFaults([...]), fake.reset(),
//      await fake.close()
// CLI: node js/test-support/fake-ingest.mjs [--token T] [--max-body-bytes N]
//      prints {"url": "...", "control": "http://127.0.0.1:PORT/_fake"} on one stdout line;
//      GET /_fake/state ({requests, events, bodies, faults}: bodies byte for byte),
//      POST /_fake/faults (a JSON list; replaces the queue),
//      POST /_fake/reset; exits when stdin closes (or on SIGTERM/SIGINT).
//
// `requests` has one entry per ingest request, in arrival order:
// {method, path, status, bytes, authorized, contentType, eventCount, fault?}; `status` is 0
// when nothing was answered (reset, or the client gave up during a delay). The
// Authorization header value is never stored: `authorized` says whether it was right.
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

export const INGEST_PATH = '/platform/ingest/v1/security.events';
const CUSTOM_PREFIX = '/platform/ingest/custom/security.events/';
const CONTROL_PREFIX = '/_fake';

const REASONS = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  413: 'Content Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  507: 'Insufficient Storage',
};

function isIngestPath(path) {
  if (path === INGEST_PATH) return true;
  if (!path.startsWith(CUSTOM_PREFIX)) return false;
  const name = path.slice(CUSTOM_PREFIX.length);
  // Custom endpoint names: letters, digits and dots; no trailing dot, no `..` (semantic
  // dictionary §3.1).
  return /^[A-Za-z0-9.]+$/.test(name) && !name.endsWith('.') && !name.includes('..');
}

function validateFault(f) {
  if (f === null || typeof f !== 'object' || Array.isArray(f)) {
    throw new TypeError(`fault must be an object, got ${JSON.stringify(f)}`);
  }
  const known = ['status', 'retryAfter', 'message', 'delayMs', 'reset', 'location', 'bodyBytes'];
  const unknown = Object.keys(f).filter((k) => !known.includes(k));
  if (unknown.length) throw new TypeError(`unknown fault key(s) ${unknown.join(', ')}`);
  const kinds = ['status', 'delayMs', 'reset'].filter((k) => f[k] !== undefined);
  if (kinds.length !== 1) {
    throw new TypeError(`a fault needs exactly one of status, delayMs, reset: ${JSON.stringify(f)}`);
  }
  if (f.status !== undefined && !(Number.isInteger(f.status) && f.status >= 300 && f.status <= 599)) {
    throw new TypeError(`fault status must be a redirect or error status (300-599): ${JSON.stringify(f)}`);
  }
  if (f.bodyBytes !== undefined && !(Number.isSafeInteger(f.bodyBytes) && f.bodyBytes >= 0)) {
    throw new TypeError(`fault bodyBytes must be a whole number: ${JSON.stringify(f)}`);
  }
  if (f.delayMs !== undefined && !(Number.isFinite(f.delayMs) && f.delayMs >= 0)) {
    throw new TypeError(`fault delayMs must be >= 0: ${JSON.stringify(f)}`);
  }
  if (f.reset !== undefined && f.reset !== true) {
    throw new TypeError(`fault reset must be true: ${JSON.stringify(f)}`);
  }
  return { ...f };
}

/**
 * Starts the fake on 127.0.0.1 and a random port.
 * @param {{ token?: string, maxBodyBytes?: number }} [options]
 */
export async function startFakeIngest({ token = 'dt0c01.FAKE.TOKEN', maxBodyBytes = 10_000_000 } = {}) {
  const state = {
    /** @type {Array<{method: string, path: string, status: number, bytes: number, authorized: boolean, contentType: string | null, eventCount: number | null, fault?: string}>} */
    requests: [],
    /** Accepted events, parsed, in arrival order. */
    events: [],
    /** Accepted raw bodies (UTF-8 text), in arrival order. */
    bodies: [],
    faults: [],
  };
  const sockets = new Set();
  const expectedAuth = `Api-Token ${token}`;

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) {
        sendError(res, 500, `fake ingest failed: ${e?.message ?? e}`);
      } else {
        res.destroy();
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // Keep-alive as a real server does; but never hold the process open on close().
  server.keepAliveTimeout = 5_000;

  function readBody(req) {
    return new Promise((resolve, reject) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
      req.on('aborted', () => reject(new Error('client aborted')));
    });
  }

  function sendJson(res, status, value, headers = {}) {
    const body = JSON.stringify(value);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      ...headers,
    });
    res.end(body);
  }

  /** `bytes` bytes of text, written as the client reads them (never all in memory). */
  function streamBody(res, status, bytes, headers) {
    res.writeHead(status, { 'content-type': 'text/plain', 'content-length': bytes, ...headers });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let left = bytes;
    const pump = () => {
      while (left > 0) {
        const n = Math.min(left, chunk.length);
        left -= n;
        if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    res.on('error', () => {});
    res.on('close', () => {
      left = 0;
    });
    pump();
  }

  function sendError(res, status, message, headers = {}) {
    sendJson(res, status, { error: { code: status, message } }, headers);
  }

  async function handle(req, res) {
    const url = new URL(req.url, 'http://127.0.0.1');
    const path = url.pathname;
    if (path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`)) {
      return control(req, res, path.slice(CONTROL_PREFIX.length));
    }
    const body = await readBody(req).catch(() => null);
    const auth = req.headers.authorization;
    const record = {
      method: req.method,
      path,
      status: 0,
      bytes: body ? body.length : 0,
      authorized: typeof auth === 'string' && auth === expectedAuth,
      contentType: req.headers['content-type'] ?? null,
      eventCount: null,
    };
    state.requests.push(record);
    if (body === null) {
      record.fault = 'client-aborted';
      return;
    }
    let parsed;
    try {
      const v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
      if (Array.isArray(v)) {
        parsed = v;
        record.eventCount = v.length;
      }
    } catch {
      // judged below
    }

    const fault = state.faults.shift();
    if (fault?.reset) {
      record.fault = 'reset';
      req.socket.destroy();
      return;
    }
    if (fault?.status !== undefined) {
      record.fault = `status ${fault.status}`;
      record.status = fault.status;
      const headers = {};
      if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
      if (fault.location !== undefined) headers.location = fault.location;
      if (fault.bodyBytes !== undefined) {
        streamBody(res, fault.status, fault.bodyBytes, headers);
        return;
      }
      sendError(res, fault.status, fault.message ?? `${REASONS[fault.status] ?? 'Error'} (injected fault)`, headers);
      return;
    }
    if (fault?.delayMs !== undefined) {
      record.fault = `delay ${fault.delayMs}ms`;
      await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (res.destroyed || req.socket.destroyed || res.writableEnded) {
        record.fault += ', client gone';
        return;
      }
    }

    let status = 202;
    let message;
    if (!isIngestPath(path)) {
      status = 404;
      message = `no ingest endpoint at ${path}`;
    } else if (req.method !== 'POST') {
      status = 405;
      message = `method ${req.method} not allowed`;
    } else if (!record.authorized) {
      status = 401;
      message = auth === undefined ? 'Missing authorization parameter.' : 'Token Authentication failed';
    } else if (body.length > maxBodyBytes) {
      status = 413;
      message = `Content too large: ${body.length} bytes, at most ${maxBodyBytes}`;
    } else if (!/^application\/json(\s*;.*)?$/i.test(req.headers['content-type'] ?? '')) {
      status = 400;
      message = `Content-Type must be application/json, got ${req.headers['content-type'] ?? 'none'}`;
    } else if (parsed === undefined) {
      status = 400;
      message = 'the body must be a JSON array of events (UTF-8)';
    } else if (parsed.some((e) => e === null || typeof e !== 'object' || Array.isArray(e))) {
      status = 400;
      message = 'every event must be a JSON object';
    }
    record.status = status;
    if (status !== 202) {
      sendError(res, status, message);
      return;
    }
    state.events.push(...parsed);
    state.bodies.push(body.toString('utf8'));
    res.writeHead(202, { 'content-length': 0 });
    res.end();
  }

  async function control(req, res, sub) {
    if (req.method === 'GET' && sub === '/state') {
      return sendJson(res, 200, { requests: state.requests, events: state.events, bodies: state.bodies, faults: state.faults });
    }
    if (req.method === 'POST' && sub === '/faults') {
      const body = await readBody(req);
      try {
        const list = JSON.parse(body.toString('utf8'));
        if (!Array.isArray(list)) throw new TypeError('faults must be a JSON list');
        api.setFaults(list);
      } catch (e) {
        return sendError(res, 400, e.message);
      }
      return sendJson(res, 200, { faults: state.faults.length });
    }
    if (req.method === 'POST' && sub === '/reset') {
      await readBody(req);
      api.reset();
      return sendJson(res, 200, { reset: true });
    }
    return sendError(res, 404, `unknown control endpoint ${req.method} ${CONTROL_PREFIX}${sub}`);
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address();
  const origin = `http://127.0.0.1:${port}`;

  const api = {
    url: `${origin}${INGEST_PATH}`,
    origin,
    control: `${origin}${CONTROL_PREFIX}`,
    requests: state.requests,
    events: state.events,
    bodies: state.bodies,
    /** Replaces the fault queue. */
    setFaults(list) {
      if (!Array.isArray(list)) throw new TypeError('setFaults: a list of faults');
      const checked = list.map(validateFault);
      state.faults.splice(0, state.faults.length, ...checked);
    },
    /** Faults not yet applied. */
    get pendingFaults() {
      return state.faults.length;
    },
    /** Forgets requests, events, bodies and faults (the arrays keep their identity). */
    reset() {
      state.requests.length = 0;
      state.events.length = 0;
      state.bodies.length = 0;
      state.faults.length = 0;
    },
    async close() {
      await new Promise((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
  return api;
}

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? a.split(/=(.*)/s) : [a, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      if (i + 1 >= argv.length) throw new Error(`${flag} needs a value`);
      return argv[++i];
    };
    if (flag === '--token') out.token = value();
    else if (flag === '--max-body-bytes') {
      const v = value();
      if (!/^\d+$/.test(v)) throw new Error(`--max-body-bytes must be a whole number, got ${v}`);
      out.maxBodyBytes = Number(v);
    } else if (flag === '--help' || flag === '-h') {
      out.help = true;
    } else throw new Error(`unknown argument ${a}`);
  }
  return out;
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`fake-ingest: ${e.message}\nusage: node fake-ingest.mjs [--token T] [--max-body-bytes N]\n`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write('usage: node fake-ingest.mjs [--token T] [--max-body-bytes N]\n');
    return;
  }
  const { help: _help, ...options } = args;
  const fake = await startFakeIngest(options);
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await fake.close();
    process.exit(0);
  };
  process.stdin.on('end', shutdown);
  process.stdin.on('close', shutdown);
  process.stdin.on('error', shutdown);
  process.stdin.resume();
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  process.stdout.write(`${JSON.stringify({ url: fake.url, control: fake.control })}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
