// `secmap/forward`: POSTs security events to the Dynatrace OpenPipeline ingest API
// (`/platform/ingest/v1/security.events`), in batches, with retries, and hands whatever it
// cannot deliver to a dead-letter callback. The contract is forward.d.ts.
//
// Plain ES2022, no dependencies: it runs in Node 20+, workerd and browsers, and uses only
// fetch, AbortController, setTimeout and TextEncoder.
//
// The token is a secret: it is only ever written into the Authorization header. Every
// string this module produces (log lines, dead-letter messages, thrown errors) goes
// through `redact`, so that even an error message of the runtime that happens to echo a
// header cannot carry it out.

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

/** Statuses worth another try: throttling and transient server or gateway failures. */
const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
/** Statuses that will answer every further request of this send the same way (wrong token,
 * missing scope, wrong endpoint): the rest of the send is dead-lettered without requests. */
const FATAL_STATUS = new Set([401, 403, 404]);

const REASON_PHRASES = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** What each status means for this API, when the response does not say. */
const STATUS_HINTS = {
  400: 'the ingest API rejected the request body',
  401: 'token missing or invalid',
  403: 'the token lacks the scope openpipeline.events_security',
  404: 'no ingest endpoint at this URL',
  413: 'request body too large',
  429: 'throttled',
};

const LOG_PREFIX = 'secmap/forward:';
/** Longest wait setTimeout honours (longer ones fire at once). */
const MAX_TIMER_MS = 2_147_483_647;
const TIME_OPTIONS = ['baseDelayMs', 'maxDelayMs', 'timeoutMs'];
const encoder = new TextEncoder();

/** UTF-8 length of a JS string, without encoding it (lone surrogates count as U+FFFD). */
function utf8Length(s) {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) {
      n += 1;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        // A surrogate pair: 2 UTF-16 units, 4 UTF-8 bytes.
        n += 2;
        i++;
      } else {
        n += 2;
      }
    } else {
      n += 2;
    }
  }
  return n;
}

/** Body size of a JSON array holding elements of these sizes: `[a,b,c]`. */
function arrayBytes(count, elementBytes) {
  return count === 0 ? 2 : 2 + elementBytes + (count - 1);
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function describeStatus(status, statusText) {
  const phrase = statusText || REASON_PHRASES[status] || '';
  return phrase ? `${status} ${phrase}` : String(status);
}

function isPositiveInteger(v) {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
}

function isNonNegativeNumber(v) {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

/**
 * The token as it may go into a header: visible ASCII, no spaces. Anything else is refused
 * before a request is made, because runtimes echo invalid header values in their errors.
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

/**
 * `Retry-After` in milliseconds: delta-seconds or an HTTP date; `undefined` when absent or
 * unreadable.
 */
function parseRetryAfter(value, now = Date.now()) {
  if (value === null || value === undefined) return undefined;
  const v = String(value).trim();
  if (v === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  if (!/[a-z]/i.test(v)) return undefined; // not a number, and no HTTP date either
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

function sleep(ms) {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** The error text of a failed response: `error.message` of a JSON body, else a snippet. */
function errorDetail(text) {
  if (!text) return '';
  try {
    const body = JSON.parse(text);
    const message = body?.error?.message ?? body?.message;
    if (typeof message === 'string' && message.trim() !== '') return message.trim();
  } catch {
    // not JSON: fall through to a snippet
  }
  const snippet = text.replace(/\s+/g, ' ').trim();
  return snippet.length > 200 ? `${snippet.slice(0, 200)}…` : snippet;
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
    return typeof token === 'string' && token.length > 0 ? text.split(token).join('[redacted]') : text;
  };
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

  const log = (level, message) => {
    try {
      logger[level](redact(`${LOG_PREFIX} ${message}`));
    } catch {
      // a broken logger must not break delivery
    }
  };

  /**
   * One POST. Resolves to `{ status, statusText, text, retryAfterMs }` for any HTTP answer,
   * or `{ failure: 'timeout' | 'network', message }` when there was none.
   */
  async function post(body) {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, cfg.timeoutMs);
    try {
      const res = await doFetch(endpoint, {
        method: 'POST',
        headers: {
          Authorization: authorization,
          'Content-Type': 'application/json; charset=utf-8',
        },
        body,
        signal: controller.signal,
      });
      const ok = res.status >= 200 && res.status < 300;
      let text = '';
      try {
        // Read (or drain) the body under the same timeout, so the connection is reusable.
        text = ok ? (await res.arrayBuffer(), '') : await res.text();
      } catch {
        if (!ok && timedOut) {
          return { failure: 'timeout', message: `no complete answer within ${cfg.timeoutMs} ms` };
        }
        // The status arrived; a broken body does not change what it means.
      }
      return {
        status: res.status,
        statusText: res.statusText,
        text,
        retryAfterMs: parseRetryAfter(res.headers?.get?.('retry-after')),
      };
    } catch (e) {
      if (timedOut) {
        return { failure: 'timeout', message: `no answer within ${cfg.timeoutMs} ms` };
      }
      return { failure: 'network', message: `network error: ${networkDetail(e)}` };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Wait before retry number `retry` (1-based): Retry-After if given, else full jitter. */
  function backoff(retry, retryAfterMs) {
    if (retryAfterMs !== undefined) return Math.min(retryAfterMs, cfg.maxDelayMs);
    const ceiling = Math.min(cfg.maxDelayMs, cfg.baseDelayMs * 2 ** (retry - 1));
    return Math.floor(Math.random() * (ceiling + 1));
  }


  /** Sends one `send()` call's events. `state` is that call's result. */
  async function run(events, state) {
    // Serialize once: the body is `JSON.stringify(batch)`, i.e. `[` + elements + `]`.
    const parts = [];
    let current = null;
    const flush = () => {
      if (current && current.events.length > 0) parts.push({ kind: 'batch', ...current });
      current = null;
    };
    for (let i = 0; i < events.length; i++) {
      const event = events[i];
      let json;
      try {
        json = JSON.stringify(event);
      } catch (e) {
        throw new TypeError(redact(`send: event ${i} cannot be serialized as JSON: ${e.message}`));
      }
      if (json === undefined) json = 'null'; // as JSON.stringify writes it inside an array
      const bytes = utf8Length(json);
      if (arrayBytes(1, bytes) > cfg.maxBatchBytes) {
        flush();
        parts.push({ kind: 'oversize', events: [event], bytes: arrayBytes(1, bytes) });
        continue;
      }
      if (
        current &&
        (current.events.length >= cfg.maxBatchEvents ||
          arrayBytes(current.events.length + 1, current.bytes + bytes) > cfg.maxBatchBytes)
      ) {
        flush();
      }
      current ??= { events: [], json: [], sizes: [], bytes: 0 };
      current.events.push(event);
      current.json.push(json);
      current.sizes.push(bytes);
      current.bytes += bytes;
    }
    flush();

    let fatal = null; // a 401/403/404 reason: the rest of this send is not attempted
    for (const part of parts) {
      if (part.kind === 'oversize') {
        await deadLetter(state, part.events, {
          code: 'too-large',
          message: `one event alone is ${part.bytes} bytes as a request body, over maxBatchBytes ${cfg.maxBatchBytes}; not sent`,
          attempts: 0,
        });
      } else if (fatal) {
        await deadLetter(state, part.events, {
          code: 'http-status',
          status: fatal.status,
          message: `not sent: an earlier request of this send got ${fatal.message}`,
          attempts: 0,
        });
      } else {
        fatal = await sendBatch(state, part, 0);
      }
    }
  }

  /**
   * Sends one batch with retries; splits it on 413. `inherited` counts the requests that
   * already carried these events (a 413 before a split). Resolves to a fatal reason when
   * the endpoint refused in a way every further request would share (401/403/404).
   */
  async function sendBatch(state, batch, inherited) {
    const n = batch.events.length;
    const bodyBytes = arrayBytes(n, batch.bytes);
    const body = encoder.encode(`[${batch.json.join(',')}]`);
    const what = `batch of ${plural(n, 'event')} (${bodyBytes} bytes)`;
    let attempts = 0;
    for (;;) {
      attempts++;
      state.requests++;
      totals.requests++;
      const tag = `attempt ${attempts}/${cfg.maxAttempts}`;
      const r = await post(body);
      const total = inherited + attempts;

      if (r.status >= 200 && r.status < 300) {
        state.sent += n;
        totals.sent += n;
        if (attempts > 1) log('info', `${what} accepted (${r.status}) on ${tag}`);
        return null;
      }

      if (r.status === 413) {
        const detail = errorDetail(r.text) || STATUS_HINTS[413];
        if (n === 1) {
          await deadLetter(state, batch.events, {
            code: 'too-large',
            status: 413,
            message: `413 Content Too Large: ${detail}; a single event of ${bodyBytes} bytes cannot be split`,
            attempts: total,
          });
          return null;
        }
        const half = Math.ceil(n / 2);
        log('warn', `413 Content Too Large for a ${what}, ${tag}: splitting into ${half} + ${n - half} events`);
        for (const [from, to] of [
          [0, half],
          [half, n],
        ]) {
          const sizes = batch.sizes.slice(from, to);
          const fatal = await sendBatch(
            state,
            {
              events: batch.events.slice(from, to),
              json: batch.json.slice(from, to),
              sizes,
              bytes: sizes.reduce((a, b) => a + b, 0),
            },
            total,
          );
          if (fatal) {
            if (from === 0) {
              // The second half shares the fate of the first.
              await deadLetter(state, batch.events.slice(half), {
                code: 'http-status',
                status: fatal.status,
                message: `not sent: an earlier request of this send got ${fatal.message}`,
                attempts: total,
              });
            }
            return fatal;
          }
        }
        return null;
      }

      const retryable = r.failure !== undefined || RETRYABLE_STATUS.has(r.status);
      const statusText =
        r.failure === undefined ? describeStatus(r.status, r.statusText) : undefined;
      const detail =
        r.failure !== undefined
          ? r.message
          : `${statusText}: ${errorDetail(r.text) || STATUS_HINTS[r.status] || 'unexpected status'}`;

      if (retryable && attempts < cfg.maxAttempts) {
        const delay = backoff(attempts, r.retryAfterMs);
        state.retried++;
        totals.retried++;
        const after =
          r.retryAfterMs !== undefined
            ? ` (Retry-After ${r.retryAfterMs} ms${r.retryAfterMs > cfg.maxDelayMs ? `, capped at ${cfg.maxDelayMs} ms` : ''})`
            : '';
        log('warn', `${r.failure === undefined ? r.status : r.failure} for a ${what}, ${tag}: ${detail}; retrying in ${delay} ms${after}`);
        await sleep(delay);
        continue;
      }

      const code = r.failure ?? 'http-status';
      const reason = {
        code,
        message: retryable ? `gave up after ${plural(attempts, 'attempt')}: ${detail}` : detail,
        attempts: total,
      };
      if (r.failure === undefined) reason.status = r.status;
      await deadLetter(state, batch.events, reason, `${tag}, ${bodyBytes} bytes`);
      if (r.failure === undefined && FATAL_STATUS.has(r.status)) {
        return { status: r.status, message: detail };
      }
      return null;
    }
  }

  async function deadLetter(state, events, reason, where) {
    state.deadLettered += events.length;
    totals.deadLettered += events.length;
    const letter = { events, reason: { ...reason, message: redact(reason.message) } };
    const destination = userDeadLetter ? 'handed to deadLetter' : 'no deadLetter configured: not kept';
    log(
      'error',
      `${plural(events.length, 'event')} not delivered (${reason.code}${
        reason.status !== undefined ? ` ${reason.status}` : ''
      }, ${where ?? plural(reason.attempts, 'attempt')}): ${letter.reason.message}; ${destination}`,
    );
    // Without a destination, the error line above (count and reason, never the events) is
    // the default dead letter.
    if (!userDeadLetter) return;
    try {
      await userDeadLetter(letter);
    } catch (e) {
      const msg = redact(`deadLetter failed for ${plural(events.length, 'event')}: ${e?.message ?? e}`);
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
    async send(events) {
      if (!Array.isArray(events)) {
        throw new TypeError('send: events must be an array');
      }
      const state = { sent: 0, deadLettered: 0, retried: 0, requests: 0 };
      await run(events, state);
      return { ...state, ok: state.deadLettered === 0 };
    },
    get counters() {
      return { ...totals };
    },
  };
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
  const redact = (s) => (token ? s.split(token).join('[redacted]') : s);

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
