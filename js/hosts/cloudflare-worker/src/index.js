// Cloudflare Worker: an HTTPS endpoint that maps provider payloads with secmap and forwards
// the events to Dynatrace. POST /?provider=guardduty|defender-for-cloud|auto (default auto),
// header X-Secmap-Secret. See README.md for settings and failure behaviour.
import { forwarderOptionsFromEnv } from 'secmap/forward';
import { mapAndForward } from 'secmap/pipeline';
import { intSetting, transformOptionsFromEnv } from 'secmap/settings';

const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
const MAX_LISTED_REJECTIONS = 100;
const QUEUE_BATCH = 100;

export default {
  async fetch(request, env) {
    try {
      return await handle(request, env);
    } catch (e) {
      // Never echo the error: it could carry request or configuration details.
      console.error(`secmap: unexpected ${e?.name ?? 'error'} while handling the request`);
      return errorResponse(500, 'internal', 'internal error');
    }
  },
};

async function handle(request, env) {
  if (request.method !== 'POST') {
    return errorResponse(405, 'method-not-allowed', 'use POST', { Allow: 'POST' });
  }

  // 1. Authentication: fail closed when the secret is not configured.
  const expected = env.SECMAP_SHARED_SECRET;
  if (typeof expected !== 'string' || expected === '') {
    console.error('secmap: SECMAP_SHARED_SECRET is not set; refusing every request');
    return errorResponse(500, 'not-configured', 'the endpoint has no shared secret configured');
  }
  const given = request.headers.get('X-Secmap-Secret');
  if (given === null || given === '') {
    return errorResponse(401, 'unauthorized', 'missing X-Secmap-Secret header');
  }
  if (!(await secretsEqual(given, expected))) {
    return errorResponse(401, 'unauthorized', 'wrong X-Secmap-Secret');
  }

  // 2. Configuration (a malformed setting is the operator's problem: 500, naming the setting).
  let maxBodyBytes, options, forwarderOptions;
  try {
    maxBodyBytes = intSetting(env, 'SECMAP_MAX_BODY_BYTES') ?? DEFAULT_MAX_BODY_BYTES;
    options = transformOptionsFromEnv(env);
    forwarderOptions = forwarderOptionsFromEnv(env);
  } catch (e) {
    console.error(`secmap: configuration error: ${e.message}`);
    return errorResponse(500, 'configuration', e.message);
  }

  // 3. Body, limited on Content-Length and again while reading; kept as bytes, which
  // `transform` takes as they are (no text decoding here).
  const declared = request.headers.get('Content-Length');
  if (declared !== null && Number(declared) > maxBodyBytes) {
    return tooLarge(maxBodyBytes);
  }
  const body = await readLimited(request, maxBodyBytes);
  if (body === null) return tooLarge(maxBodyBytes);

  // 4. Map, and forward the core's request body as it is (`output.events` is never
  // parsed); whatever cannot be delivered is dead-lettered.
  const provider = new URL(request.url).searchParams.get('provider') || 'auto';
  const run = await mapAndForward({
    provider,
    payload: body,
    options,
    forwarderOptions: { ...forwarderOptions, logger: console, fetch: (input, init) => fetch(input, init) },
  });
  if (run.failure) {
    const { code, message, ...where } = run.failure.reason;
    // The provider comes from the caller's query (400), the options from this Worker's
    // settings (500).
    const status =
      where.category === 'limit' ? 413 : code === 'invalid-options' || where.category === 'internal' ? 500 : 400;
    return errorResponse(status, code, message, {}, where);
  }
  const { result } = run;
  const deadLetter = run.letters.length > 0 ? await writeDeadLetters(env, run.letters) : undefined;

  // 5. Report.
  const rejected = run.rejected
    .slice(0, MAX_LISTED_REJECTIONS)
    .map((o) => ({ index: o.index, pointer: o.pointer, line: o.line, error: o.error }));
  const status = result.deadLettered > 0 ? 502 : run.records.rejected > 0 ? 207 : 200;
  return json(status, {
    provider,
    records: run.records,
    events: run.events,
    requests: result.requests,
    retried: result.retried,
    warnings: run.output.warnings.length,
    rejected,
    ...(deadLetter ? { deadLetter } : {}),
  });
}

/**
 * Compares the secrets in constant time: HMAC both with a per-request random key, then
 * compare the fixed-length digests without an early exit. Neither length nor content leaks.
 */
async function secretsEqual(given, expected) {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey(
    'raw',
    crypto.getRandomValues(new Uint8Array(32)),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const [a, b] = await Promise.all([
    crypto.subtle.sign('HMAC', key, enc.encode(given)),
    crypto.subtle.sign('HMAC', key, enc.encode(expected)),
  ]);
  const x = new Uint8Array(a);
  const y = new Uint8Array(b);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
  return diff === 0;
}

/** The body as bytes, or null when it exceeds `limit` (the stream is cancelled then). */
async function readLimited(request, limit) {
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/**
 * Writes undeliverable events to the DEAD_LETTER binding when there is one: a Queue gets one
 * message per event, an R2 bucket (or anything with `put`) one NDJSON object per request.
 * Always logs the counts (never the events).
 */
async function writeDeadLetters(env, letters) {
  const lines = letters.flatMap((l) => l.events.map((event) => ({ reason: l.reason, event })));
  const reasons = [...new Set(letters.map((l) => l.reason.message))].join('; ');
  console.error(`secmap: ${lines.length} events could not be delivered: ${reasons}`);
  const binding = env.DEAD_LETTER;
  try {
    if (binding && typeof binding.sendBatch === 'function') {
      for (let i = 0; i < lines.length; i += QUEUE_BATCH) {
        await binding.sendBatch(lines.slice(i, i + QUEUE_BATCH).map((body) => ({ body, contentType: 'json' })));
      }
      return { destination: 'queue', events: lines.length };
    }
    if (binding && typeof binding.put === 'function') {
      const now = new Date().toISOString();
      const key = `secmap-dead-letter/${now.slice(0, 10)}/${now}-${crypto.randomUUID()}.ndjson`;
      await binding.put(key, lines.map((l) => JSON.stringify(l)).join('\n') + '\n', {
        httpMetadata: { contentType: 'application/x-ndjson' },
      });
      return { destination: 'r2', key, events: lines.length };
    }
  } catch (e) {
    console.error(`secmap: writing ${lines.length} events to DEAD_LETTER failed (${e?.name ?? 'error'})`);
    return { destination: 'log', events: lines.length, writeFailed: true };
  }
  return { destination: 'log', events: lines.length };
}

function tooLarge(limit) {
  return errorResponse(413, 'payload-too-large', `the body exceeds ${limit} bytes`);
}

function errorResponse(status, code, message, headers = {}, where = {}) {
  const error = { code, message };
  for (const [k, v] of Object.entries(where)) if (v !== undefined) error[k] = v;
  return json(status, { error }, headers);
}

function json(status, value, headers = {}) {
  return new Response(JSON.stringify(value), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}
