// `secmap/forward`: POSTs security events to the Dynatrace OpenPipeline ingest API
// (`/platform/ingest/v1/security.events`), in batches, with retries, and hands whatever it
// cannot deliver to a dead-letter callback. The contract is forward.d.ts.
//
// Every decision (batches, retries, backoff, Retry-After, 413 splits, redirects, which
// statuses are fatal, the text of reasons, redaction) is made by the delivery engine
// `secmap-delivery` (Rust, crates/delivery), the one the `secmap` CLI runs natively, here
// through the package's wasm-bindgen build. This file only does fetch, timers, and the
// dead-letter callback. What `transform` returns goes in as it is: its request body
// (`bodyBytes`, the core's bytes) is copied once into the engine, split there into events,
// and sent byte for byte; `events` is never read, so no event object is built or
// serialized again. It runs in Node 20+, workerd and browsers: importing the package's
// main entry (`secmap`, resolved with the runtime's export condition) loads and initializes
// the .wasm the way the runtime needs, before this module runs.
//
// The token is a secret: it is only ever written into the Authorization header. Every
// string this module produces (log lines, dead-letter messages, thrown errors) goes
// through the engine's `redact` and `escapeControl`, so that neither the token (whole,
// percent-encoded, split or in fragments) nor a forged log line can come out.
import 'secmap';
import {
  Delivery,
  redact as engineRedact,
  escapeControl,
  bodyExcerptLimit,
} from '../dist/secmap_wasm.js';

const DEFAULTS = Object.freeze({
  maxBatchBytes: 10_000_000,
  maxBatchEvents: 5_000,
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  timeoutMs: 30_000,
});

/** The option keys of `ForwarderOptions`; anything else is a typo and rejected. */
const OPTION_KEYS = [
  'endpoint',
  'token',
  ...Object.keys(DEFAULTS),
  'deadLetter',
  'logger',
  'fetch',
];

const LOG_PREFIX = 'secmap/forward:';
/** Longest wait setTimeout honours (longer ones fire at once). */
const MAX_TIMER_MS = 2_147_483_647;
const TIME_OPTIONS = ['baseDelayMs', 'maxDelayMs', 'timeoutMs'];

function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function isPositiveInteger(v) {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
}

function isNonNegativeNumber(v) {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

/**
 * The token as it may go into a header: visible ASCII, no spaces (the engine's rule too).
 * Anything else is refused before a request is made, because runtimes echo invalid header
 * values in their errors.
 */
function checkToken(token, name) {
  if (typeof token !== 'string' || token.length === 0) {
    throw new TypeError(`${name} is required (a Dynatrace access token)`);
  }
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new TypeError(
      `${name} is malformed: it must be visible ASCII without spaces or line breaks (value not shown)`,
    );
  }
}

function checkEndpoint(endpoint, name) {
  if (typeof endpoint !== 'string' || endpoint.trim() === '') {
    throw new TypeError(`${name} is required (the full ingest URL)`);
  }
  let url;
  try {
    url = new URL(endpoint);
  } catch {
    throw new TypeError(`${name} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError(`${name} must be an http(s) URL, not ${url.protocol}`);
  }
  if (url.username || url.password) {
    throw new TypeError(`${name} must not contain credentials; pass the token as \`token\``);
  }
  return url.href;
}

function sleep(ms) {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, Math.min(ms, MAX_TIMER_MS))) : Promise.resolve();
}

/** Short text of a fetch rejection: `fetch failed (ECONNREFUSED: connect ECONNREFUSED …)`. */
function networkDetail(err) {
  const parts = [];
  let e = err;
  for (let depth = 0; e && depth < 4; depth++, e = e.cause) {
    const code = typeof e.code === 'string' ? e.code : undefined;
    const msg = typeof e.message === 'string' ? e.message : String(e);
    parts.push(code && !msg.includes(code) ? `${code}: ${msg}` : msg);
  }
  return parts.filter(Boolean).join(' / ') || 'network error';
}

/**
 * At most `limit` bytes of a response body, as text (invalid UTF-8 replaced); the rest is
 * never read (a 1.5 GiB error page costs `limit` bytes). Fetch mocks without a stream
 * fall back to `text()`.
 */
async function readCapped(res, limit) {
  const body = res.body;
  if (!body || typeof body.getReader !== 'function') {
    if (typeof res.text !== 'function') return '';
    const text = await res.text();
    return text.length > limit ? text.slice(0, limit) : text;
  }
  const reader = body.getReader();
  const chunks = [];
  let total = 0;
  try {
    while (total < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      const take = value.subarray(0, Math.min(value.length, limit - total));
      chunks.push(take);
      total += take.length;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return new TextDecoder('utf-8').decode(all);
}

/**
 * Creates a forwarder. See forward.d.ts for the contract.
 * @param {import('./forward.js').ForwarderOptions} options
 * @returns {import('./forward.js').Forwarder}
 */
export function createForwarder(options) {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('createForwarder: options must be an object');
  }
  const unknown = Object.keys(options).filter(
    (k) => !OPTION_KEYS.includes(k) && options[k] !== undefined,
  );
  if (unknown.length > 0) {
    throw new TypeError(
      `createForwarder: unknown option${unknown.length > 1 ? 's' : ''} ${unknown
        .map((k) => `\`${k}\``)
        .join(', ')}; known: ${OPTION_KEYS.join(', ')}`,
    );
  }
  const token = options.token;
  // Redaction first, so that even the validation errors below cannot carry the token.
  const redact = (s) => {
    const text = String(s);
    return typeof token === 'string' && token.length > 0 ? engineRedact(text, token) : text;
  };
  /** Redacted and escaped: for every text built from runtime, server or vendor data. */
  const clean = (s) => escapeControl(redact(s));
  try {
    checkToken(token, 'createForwarder: `token`');
  } catch (e) {
    throw new TypeError(redact(e.message));
  }
  let endpoint;
  try {
    endpoint = checkEndpoint(options.endpoint, 'createForwarder: `endpoint`');
  } catch (e) {
    throw new TypeError(redact(e.message));
  }

  const cfg = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS)) {
    const v = options[key];
    if (v === undefined) continue;
    const ok =
      key === 'baseDelayMs' || key === 'maxDelayMs' ? isNonNegativeNumber(v) : isPositiveInteger(v);
    if (!ok) {
      const what =
        key === 'baseDelayMs' || key === 'maxDelayMs'
          ? 'a finite number >= 0'
          : 'a positive integer';
      throw new RangeError(redact(`createForwarder: \`${key}\` must be ${what}, got ${String(v)}`));
    }
    if (TIME_OPTIONS.includes(key) && v > MAX_TIMER_MS) {
      throw new RangeError(`createForwarder: \`${key}\` must be at most ${MAX_TIMER_MS} ms`);
    }
    cfg[key] = v;
  }
  if (cfg.maxBatchBytes < 3) {
    throw new RangeError('createForwarder: `maxBatchBytes` must be at least 3 (`[x]`)');
  }
  for (const key of ['deadLetter', 'fetch']) {
    if (options[key] !== undefined && typeof options[key] !== 'function') {
      throw new TypeError(`createForwarder: \`${key}\` must be a function`);
    }
  }
  const logger = options.logger ?? console;
  for (const level of ['info', 'warn', 'error']) {
    if (typeof logger?.[level] !== 'function') {
      throw new TypeError(`createForwarder: \`logger\` must have ${level}()`);
    }
  }
  const doFetch =
    options.fetch ??
    ((input, init) => {
      if (typeof globalThis.fetch !== 'function') {
        throw new TypeError('no fetch in this runtime: pass `fetch`');
      }
      return globalThis.fetch(input, init);
    });
  const userDeadLetter = options.deadLetter;
  const authorization = `Api-Token ${token}`;

  const totals = { sent: 0, deadLettered: 0, retried: 0, requests: 0 };
  const excerptLimit = bodyExcerptLimit();
  const engineOptions = (seed) =>
    JSON.stringify({
      endpoint,
      token,
      maxBatchBytes: cfg.maxBatchBytes,
      maxBatchEvents: cfg.maxBatchEvents,
      maxAttempts: cfg.maxAttempts,
      baseDelayMs: Math.floor(cfg.baseDelayMs),
      maxDelayMs: Math.floor(cfg.maxDelayMs),
      seed,
    });
  // The engine has the last word on the options (the same rules as the CLI's).
  try {
    new Delivery(engineOptions(0)).free();
  } catch (e) {
    throw new TypeError(clean(`createForwarder: ${e?.message ?? e}`));
  }

  const log = (level, message) => {
    try {
      logger[level](clean(`${LOG_PREFIX} ${message}`));
    } catch {
      // a broken logger must not break delivery
    }
  };

  /** One POST, redirects not followed (the engine decides); the engine's reply. */
  async function post(engine, request) {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, cfg.timeoutMs);
    const now = () => Date.now();
    try {
      const res = await doFetch(request.url, {
        method: 'POST',
        headers: {
          Authorization: authorization,
          'Content-Type': 'application/json; charset=utf-8',
        },
        body: request.body, // the engine's bytes
        redirect: 'manual',
        signal: controller.signal,
      });
      let text = '';
      try {
        // Under the same timeout, and never more than the excerpt limit.
        text = await readCapped(res, excerptLimit);
      } catch {
        if (timedOut) return engine.replyTimeout(request.id, now());
        // The status arrived; a broken body does not change what it means.
      }
      // Browsers hide a manual redirect (`opaqueredirect`, status 0): a redirect without
      // a Location, which the engine refuses.
      const status = res.type === 'opaqueredirect' ? 302 : res.status;
      const header = (name) => res.headers?.get?.(name) ?? undefined;
      return engine.replyStatus(request.id, now(), status, header('retry-after'), header('location'), text);
    } catch (e) {
      if (timedOut) return engine.replyTimeout(request.id, now());
      return engine.replyNetwork(request.id, now(), networkDetail(e));
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Sends one `send()` call's input through a fresh engine: request bodies pushed whole
   * (`bodies`), or event objects one by one (`objects`).
   */
  async function run({ bodies, objects }, state) {
    const engine = new Delivery(engineOptions(Math.floor(Math.random() * 2 ** 52)));
    try {
      if (objects) {
        for (let i = 0; i < objects.length; i++) {
          let json;
          try {
            json = JSON.stringify(objects[i]);
          } catch (e) {
            throw new TypeError(clean(`send: event ${i} cannot be serialized as JSON: ${e.message}`));
          }
          engine.push(json === undefined ? 'null' : json); // as JSON.stringify writes it in an array
        }
      } else {
        for (let i = 0; i < bodies.length; i++) {
          try {
            if (typeof bodies[i] === 'string') engine.pushBodyText(bodies[i]);
            else engine.pushBody(bodies[i]);
          } catch (e) {
            const which = bodies.length > 1 ? ` ${i}` : '';
            throw new TypeError(clean(`send: body${which}: ${e?.message ?? e}`));
          }
        }
      }
      engine.finish();
      for (;;) {
        const action = JSON.parse(engine.next(Date.now()));
        switch (action.kind) {
          case 'send': {
            action.body = engine.takeBody();
            const verdict = JSON.parse(await post(engine, action));
            // The dead letter that follows a failure says it; an accepted first try is
            // not worth a line.
            if (verdict.kind === 'delivered' && action.attempt > 1) log('info', verdict.message);
            else if (verdict.kind !== 'delivered' && verdict.kind !== 'failed') {
              log(verdict.level, verdict.message);
            }
            break;
          }
          case 'wait':
            await sleep(action.untilMs - Date.now());
            break;
          case 'deadLetter':
            // Event objects given are handed back as they were; events that came as a body
            // are parsed from the engine's copy (only these, only now).
            await deadLetter(
              objects ? objects.slice(action.first, action.first + action.count) : action.events,
              action,
            );
            break;
          case 'done': {
            const s = JSON.parse(engine.summary());
            Object.assign(state, {
              pushed: s.pushed,
              sent: s.delivered,
              deadLettered: s.deadLettered,
              retried: s.retries,
              requests: s.requests,
            });
            return;
          }
          default:
            // `idle` and `awaitReply` cannot happen: the input is finished, one request
            // at a time.
            throw new Error(`${LOG_PREFIX} unexpected engine action ${action.kind}`);
        }
      }
    } finally {
      engine.free();
    }
  }

  async function deadLetter(events, action) {
    const reason = {
      // The engine's `redirect` stays `http-status` here (with the 3xx status): the codes of
      // forward.d.ts are an API.
      code: action.reason.code === 'redirect' ? 'http-status' : action.reason.code,
      message: action.reason.message, // redacted and escaped by the engine
      attempts: action.attempts,
    };
    if (action.reason.status !== undefined) reason.status = action.reason.status;
    const letter = { events, first: action.first, reason };
    const destination = userDeadLetter ? 'handed to deadLetter' : 'no deadLetter configured: not kept';
    log(
      'error',
      `${plural(events.length, 'event')} not delivered (${reason.code}${
        reason.status !== undefined ? ` ${reason.status}` : ''
      }, ${plural(reason.attempts, 'attempt')}): ${reason.message}; ${destination}`,
    );
    // Without a destination, the error line above (count and reason, never the events) is
    // the default dead letter.
    if (!userDeadLetter) return;
    try {
      await userDeadLetter(letter);
    } catch (e) {
      const msg = clean(`deadLetter failed for ${plural(events.length, 'event')}: ${e?.message ?? e}`);
      log('error', msg);
      const err = new Error(`${LOG_PREFIX} ${msg}`);
      // The cause, with its text redacted too (hosts often log errors with their causes).
      const cause = new Error(redact(e?.message ?? String(e)));
      cause.name = typeof e?.name === 'string' ? e.name : 'Error';
      cause.stack = redact(e?.stack ?? cause.stack);
      err.cause = cause;
      throw err;
    }
  }

  return {
    async send(input) {
      const state = { pushed: 0, sent: 0, deadLettered: 0, retried: 0, requests: 0 };
      await run(sendInput(input), state);
      const { pushed, ...result } = state;
      for (const k of Object.keys(totals)) totals[k] += result[k];
      return { ...result, ok: result.deadLettered === 0 && result.sent === pushed };
    },
    get counters() {
      return { ...totals };
    },
  };
}

/** A request body as the core wrote it: bytes, or what `transform` returned. */
function bodyOf(x) {
  if (x instanceof Uint8Array) return x;
  if (x !== null && typeof x === 'object' && !Array.isArray(x)) {
    // `bodyBytes`, else `body`: never `events`, which would parse the body into objects.
    if (x.bodyBytes instanceof Uint8Array) return x.bodyBytes;
    if (typeof x.body === 'string') return x.body;
  }
  return undefined;
}

/**
 * What `send` was given: `{ bodies }` (a transform output, its `bodyBytes` or `body`, or an
 * array of transform outputs) or `{ objects }` (an array of event objects).
 */
function sendInput(input) {
  if (typeof input === 'string') return { bodies: [input] };
  const one = bodyOf(input);
  if (one !== undefined) return { bodies: [one] };
  if (Array.isArray(input)) {
    if (input.length === 0 || bodyOf(input[0]) === undefined) return { objects: input };
    const bodies = input.map(bodyOf);
    const bad = bodies.indexOf(undefined);
    if (bad >= 0) {
      throw new TypeError(`send: element ${bad} is not a transform output like element 0`);
    }
    return { bodies };
  }
  throw new TypeError(
    'send: expected what transform returned (or its bodyBytes or body), or an array of events',
  );
}

const BUILT_IN_PATH = '/platform/ingest/v1/security.events';

const ENV_NUMBERS = {
  SECMAP_MAX_BATCH_BYTES: 'maxBatchBytes',
  SECMAP_MAX_BATCH_EVENTS: 'maxBatchEvents',
  SECMAP_MAX_ATTEMPTS: 'maxAttempts',
  SECMAP_BASE_DELAY_MS: 'baseDelayMs',
  SECMAP_MAX_DELAY_MS: 'maxDelayMs',
  SECMAP_TIMEOUT_MS: 'timeoutMs',
};

/**
 * Forwarder options from environment variables (or app settings). See forward.d.ts.
 * @param {Record<string, string | undefined>} env
 */
export function forwarderOptionsFromEnv(env) {
  if (env === null || typeof env !== 'object') {
    throw new TypeError('forwarderOptionsFromEnv: env must be an object of strings');
  }
  const get = (name) => {
    const v = env[name];
    if (v === undefined || v === null) return undefined;
    const s = String(v).trim();
    return s === '' ? undefined : s;
  };
  const token = get('DT_API_TOKEN');
  const redact = (s) => (token ? engineRedact(s, token) : s);

  let endpoint;
  const ingestUrl = get('DT_INGEST_URL');
  const environmentUrl = get('DT_ENVIRONMENT_URL');
  if (ingestUrl !== undefined) {
    endpoint = checkEndpointSetting(ingestUrl, 'DT_INGEST_URL', redact);
  } else if (environmentUrl !== undefined) {
    const base = checkEndpointSetting(environmentUrl, 'DT_ENVIRONMENT_URL', redact);
    const url = new URL(base);
    if (url.search || url.hash) {
      throw new Error('DT_ENVIRONMENT_URL must not have a query or fragment');
    }
    endpoint = `${url.origin}${url.pathname.replace(/\/+$/, '')}${BUILT_IN_PATH}`;
  } else {
    throw new Error(
      `DT_INGEST_URL (the full ingest URL) or DT_ENVIRONMENT_URL (e.g. https://<env-id>.live.dynatrace.com) is required`,
    );
  }

  if (token === undefined) {
    throw new Error('DT_API_TOKEN is required (a token with scope openpipeline.events_security)');
  }
  checkTokenSetting(token);

  const out = { endpoint, token };
  for (const [name, key] of Object.entries(ENV_NUMBERS)) {
    const raw = get(name);
    if (raw === undefined) continue;
    const zeroOk = key === 'baseDelayMs' || key === 'maxDelayMs';
    // Show the bad value (it is not a secret), unless it holds the token.
    const safe = redact(raw);
    const shown = safe.length > 40 ? `${safe.slice(0, 40)}…` : safe;
    if (!/^\d+$/.test(raw)) {
      throw new Error(`${name} must be a ${zeroOk ? 'non-negative' : 'positive'} whole number, got "${shown}"`);
    }
    const n = Number(raw);
    if (
      !Number.isSafeInteger(n) ||
      (!zeroOk && n === 0) ||
      (key === 'maxBatchBytes' && n < 3) ||
      (TIME_OPTIONS.includes(key) && n > MAX_TIMER_MS)
    ) {
      throw new Error(`${name} is out of range: "${shown}"`);
    }
    out[key] = n;
  }
  return out;
}

function checkEndpointSetting(value, name, redact) {
  try {
    return checkEndpoint(value, name);
  } catch (e) {
    throw new Error(redact(e.message));
  }
}

function checkTokenSetting(token) {
  try {
    checkToken(token, 'DT_API_TOKEN');
  } catch (e) {
    throw new Error(e.message); // checkToken's messages never include the value
  }
}
