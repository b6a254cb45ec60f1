// secmap/forward end to end against the fake ingest server (js/test-support/fake-ingest.mjs).
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { inspect } from 'node:util';

import { transform } from 'secmap';
import { createForwarder, forwarderOptionsFromEnv } from 'secmap/forward';
import { startFakeIngest } from '../../test-support/fake-ingest.mjs';
import { TESTDATA, inputBytes, loadManifest } from '../../test-support/corpus.mjs';

const TOKEN = 'dt0c01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM';
const FAST = { baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 2_000 };

/** A logger and a dead-letter sink that keep everything, to check counts and secrecy. */
function capture() {
  const lines = [];
  const letters = [];
  const logger = {
    info: (m) => lines.push({ level: 'info', text: String(m) }),
    warn: (m) => lines.push({ level: 'warn', text: String(m) }),
    error: (m) => lines.push({ level: 'error', text: String(m) }),
  };
  const deadLetter = (letter) => {
    letters.push(letter);
  };
  return {
    lines,
    letters,
    logger,
    /** The forwarder options that capture: `createForwarder({ ..., ...cap.opts })`. */
    opts: { logger, deadLetter },
    lettered: () => letters.flatMap((l) => l.events),
  };
}

/** The token must not appear anywhere the forwarder writes to. */
function assertNoToken(...things) {
  for (const t of things) {
    const text = typeof t === 'string' ? t : JSON.stringify(t, (_k, v) => (v instanceof Error ? { message: v.message, stack: v.stack } : v));
    assert.ok(!text.includes(TOKEN), `the token leaked into: ${text.slice(0, 300)}`);
    // Nor its secret part alone.
    assert.ok(!text.includes(TOKEN.split('.')[2]), `the token's secret leaked into: ${text.slice(0, 300)}`);
  }
}

function events(n, extra = {}) {
  return Array.from({ length: n }, (_, i) => ({ 'event.id': `e-${i}`, 'event.type': 'DETECTION_FINDING', ...extra }));
}

const bodyBytes = (batch) => Buffer.byteLength(JSON.stringify(batch));

/** Every `*.events.ndjson` under testdata/, by path. */
function goldenEventFiles() {
  return readdirSync(TESTDATA, { recursive: true })
    .filter((p) => p.endsWith('.events.ndjson'))
    .map((p) => p.replaceAll('\\', '/'))
    .sort();
}

let fake;
before(async () => {
  fake = await startFakeIngest({ token: TOKEN });
});
after(async () => {
  await fake?.close();
});
beforeEach(() => fake.reset());

describe('forwarding the corpus', () => {
  it('delivers every corpus event byte-identically, in order, in bodies within maxBatchBytes', async () => {
    const manifest = loadManifest();
    // The manifest covers every golden events file.
    assert.deepEqual(
      goldenEventFiles(),
      manifest.map((c) => c.events).sort(),
      'testdata/**/*.events.ndjson and the manifest disagree',
    );
    const produced = [];
    const golden = [];
    for (const c of manifest) {
      const text = readFileSync(`${TESTDATA}${c.events}`, 'utf8');
      golden.push(...text.split('\n').filter((l) => l !== ''));
      try {
        produced.push(...transform(c.provider, inputBytes(c), c.options).events);
      } catch (e) {
        assert.equal(e.name, 'SecmapError', `${c.name}: ${e}`);
      }
    }
    assert.ok(golden.length > 100, `the corpus has ${golden.length} events`);
    assert.equal(produced.length, golden.length);

    const maxBatchBytes = 50_000;
    const cap = capture();
    const fwd = createForwarder({ endpoint: fake.url, token: TOKEN, maxBatchBytes, ...FAST, ...cap.opts });
    const result = await fwd.send(produced);

    // The same greedy packing, computed from the golden lines.
    const expectedBodies = [];
    let batch = [];
    for (const line of golden) {
      const next = [...batch, line];
      if (batch.length > 0 && Buffer.byteLength(`[${next.join(',')}]`) > maxBatchBytes) {
        expectedBodies.push(`[${batch.join(',')}]`);
        batch = [line];
      } else {
        batch = next;
      }
    }
    expectedBodies.push(`[${batch.join(',')}]`);

    assert.deepEqual(result, { sent: golden.length, deadLettered: 0, retried: 0, requests: expectedBodies.length, ok: true });
    assert.ok(expectedBodies.length > 5, `${expectedBodies.length} requests`);
    assert.equal(fake.requests.length, expectedBodies.length);
    for (const r of fake.requests) {
      assert.equal(r.status, 202);
      assert.equal(r.authorized, true);
      assert.equal(r.contentType, 'application/json; charset=utf-8');
      assert.ok(r.bytes <= maxBatchBytes, `a body of ${r.bytes} bytes`);
    }
    assert.deepEqual(fake.bodies, expectedBodies, 'request bodies are JSON.stringify(batch) of the golden events');
    const arrived = fake.events.map((e) => JSON.stringify(e));
    assert.equal(arrived.length, golden.length);
    for (let i = 0; i < golden.length; i++) {
      assert.equal(arrived[i], golden[i], `event ${i} differs from its golden line`);
    }
    assert.deepEqual(cap.letters, []);
    assert.deepEqual(cap.lines, []);
  });
});

describe('batching', () => {
  it('fills bodies up to maxBatchBytes exactly, counting UTF-8 bytes', async () => {
    // Each event serializes to exactly 100 UTF-8 bytes, with 2-, 3- and 4-byte characters.
    const make = (i) => {
      const base = { i: String(i).padStart(3, '0'), s: 'é€😀' };
      const pad = 100 - Buffer.byteLength(JSON.stringify({ ...base, p: '' }));
      return { ...base, p: 'x'.repeat(pad) };
    };
    const input = Array.from({ length: 10 }, (_, i) => make(i));
    for (const e of input) assert.equal(bodyBytes(e), 100);
    assert.notEqual(JSON.stringify(input[0]).length, 100, 'characters and bytes differ');

    // Three events: 2 + 3 * 100 + 2 commas = 304 bytes.
    const cap = capture();
    let fwd = createForwarder({ endpoint: fake.url, token: TOKEN, maxBatchBytes: 304, ...FAST, ...cap.opts });
    let result = await fwd.send(input);
    assert.deepEqual(fake.requests.map((r) => r.eventCount), [3, 3, 3, 1]);
    assert.deepEqual(fake.requests.map((r) => r.bytes), [304, 304, 304, 102]);
    assert.equal(result.requests, 4);

    // One byte less: two per request.
    fake.reset();
    fwd = createForwarder({ endpoint: fake.url, token: TOKEN, maxBatchBytes: 303, ...FAST, ...cap.opts });
    result = await fwd.send(input);
    assert.deepEqual(fake.requests.map((r) => r.eventCount), [2, 2, 2, 2, 2]);
    assert.deepEqual(fake.requests.map((r) => r.bytes), [203, 203, 203, 203, 203]);
    assert.deepEqual(fake.events, input);
    assert.equal(result.sent, 10);
  });

  it('never exceeds maxBatchBytes with events of mixed sizes and scripts', async () => {
    const words = ['a', 'ü', '中文', '🛡️', 'x'.repeat(50), '"\\\n', '\u0001'];
    const input = Array.from({ length: 200 }, (_, i) => ({
      'event.id': `id-${i}`,
      text: Array.from({ length: (i * 7) % 23 }, (_, k) => words[(i + k) % words.length]).join(' '),
      n: i * 1.5,
    }));
    const maxBatchBytes = 1_000;
    const cap = capture();
    const fwd = createForwarder({ endpoint: fake.url, token: TOKEN, maxBatchBytes, ...FAST, ...cap.opts });
    const result = await fwd.send(input);

    // The expected batches, measured by serializing each candidate batch.
    const expected = [];
    let batch = [];
    for (const e of input) {
      if (batch.length > 0 && bodyBytes([...batch, e]) > maxBatchBytes) {
        expected.push(batch);
        batch = [];
      }
      batch.push(e);
    }
    expected.push(batch);
    assert.deepEqual(fake.requests.map((r) => r.eventCount), expected.map((b) => b.length));
    assert.deepEqual(fake.requests.map((r) => r.bytes), expected.map(bodyBytes));
    assert.deepEqual(fake.bodies, expected.map((b) => JSON.stringify(b)));
    for (const r of fake.requests) assert.ok(r.bytes <= maxBatchBytes);
    assert.deepEqual(fake.events, input);
    assert.deepEqual(result, { sent: 200, deadLettered: 0, retried: 0, requests: expected.length, ok: true });
  });

  it('batches by count', async () => {
    const cap = capture();
    const fwd = createForwarder({ endpoint: fake.url, token: TOKEN, maxBatchEvents: 3, ...FAST, ...cap.opts });
    const input = events(10);
    const result = await fwd.send(input);
    assert.deepEqual(fake.requests.map((r) => r.eventCount), [3, 3, 3, 1]);
    assert.deepEqual(result, { sent: 10, deadLettered: 0, retried: 0, requests: 4, ok: true });
    assert.deepEqual(fake.events, input);
  });

  it('dead-letters an event alone bigger than maxBatchBytes without sending it', async () => {
    const cap = capture();
    const fwd = createForwarder({ endpoint: fake.url, token: TOKEN, maxBatchBytes: 200, ...FAST, ...cap.opts });
    const big = { 'event.id': 'big', blob: 'y'.repeat(300) };
    const input = [...events(2), big, ...events(2, { after: true })];
    const result = await fwd.send(input);
    assert.deepEqual(result, { sent: 4, deadLettered: 1, retried: 0, requests: 2, ok: false });
    assert.deepEqual(fake.events, input.filter((e) => e !== big));
    for (const r of fake.requests) assert.ok(r.bytes <= 200);
    assert.equal(cap.letters.length, 1);
    assert.equal(cap.letters[0].events[0], big, 'the dead letter carries the event itself');
    assert.equal(cap.letters[0].reason.code, 'too-large');
    assert.equal(cap.letters[0].reason.attempts, 0);
    assert.equal(cap.letters[0].reason.status, undefined);
    assert.match(cap.letters[0].reason.message, /one event alone makes a request body of 330 bytes, over the batch limit; not sent/);
    assertNoToken(cap.lines, cap.letters, result);
  });

  it('makes no request for no events', async () => {
    const fwd = createForwarder({ endpoint: fake.url, token: TOKEN, ...FAST, ...capture().opts });
    assert.deepEqual(await fwd.send([]), { sent: 0, deadLettered: 0, retried: 0, requests: 0, ok: true });
    assert.equal(fake.requests.length, 0);
  });
});

describe('retries', () => {
  it('retries 429, 500, 503, timeouts and resets, and in the end loses nothing', async () => {
    const cap = capture();
    const fwd = createForwarder({
      endpoint: fake.url,
      token: TOKEN,
      maxBatchEvents: 4,
      maxAttempts: 4,
      baseDelayMs: 1,
      maxDelayMs: 5,
      timeoutMs: 150,
      ...cap.opts,
    });
    fake.setFaults([
      { status: 429, retryAfter: 1 }, // batch 1, attempt 1
      { status: 500 }, //                batch 1, attempt 2
      { reset: true }, //                batch 1, attempt 3
      { delayMs: 0 }, //                 batch 1, attempt 4: answered normally
      { status: 503 }, //                batch 2, attempt 1
      { delayMs: 400 }, //               batch 2, attempt 2: slower than timeoutMs
      { delayMs: 0 }, //                 batch 2, attempt 3
      { status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }, // batch 3: all 4 attempts
    ]);
    const input = events(10);
    const result = await fwd.send(input);

    // Batches: [0..3] sent on attempt 4, [4..7] on attempt 3, [8..9] dead-lettered after 4.
    assert.deepEqual(result, { sent: 8, deadLettered: 2, retried: 3 + 2 + 3, requests: 4 + 3 + 4, ok: false });
    assert.equal(fake.requests.length, 11);
    assert.deepEqual(fake.events, input.slice(0, 8), 'each event accepted exactly once');
    assert.equal(cap.letters.length, 1);
    assert.deepEqual(cap.letters[0].events, input.slice(8));
    assert.equal(cap.letters[0].reason.code, 'http-status');
    assert.equal(cap.letters[0].reason.status, 503);
    assert.equal(cap.letters[0].reason.attempts, 4);
    assert.match(cap.letters[0].reason.message, /gave up after 4 attempts: 503 Service Unavailable/);
    assert.equal(result.sent + result.deadLettered, input.length, 'every event is accounted for');

    // One warning per retry with status, batch size and attempt; one error per failure.
    const warns = cap.lines.filter((l) => l.level === 'warn').map((l) => l.text);
    const errors = cap.lines.filter((l) => l.level === 'error').map((l) => l.text);
    assert.equal(warns.length, result.retried);
    assert.equal(errors.length, 1);
    assert.match(warns[0], /^secmap\/forward: 429 .*batch of 4 events \(\d+ bytes\), attempt 1\/4.*Retry-After 1000 ms, capped at 5 ms/);
    assert.match(warns[1], /500 .*attempt 2\/4/);
    assert.match(warns[2], /network error: .*attempt 3\/4/);
    assert.match(warns[3], /503 .*attempt 1\/4/);
    assert.match(warns[4], /timed out .*attempt 2\/4/);
    assert.match(errors[0], /2 events not delivered \(http-status 503, 4 attempts\)/);
    assertNoToken(cap.lines, cap.letters, result);
  });

  it('honours Retry-After in seconds and as an HTTP date, capped at maxDelayMs', async () => {
    const cap = capture();
    // baseDelayMs 0: without Retry-After the retry would be immediate.
    const fwd = createForwarder({ endpoint: fake.url, token: TOKEN, baseDelayMs: 0, maxDelayMs: 150, ...cap.opts });
    const timed = async (faults) => {
      fake.reset();
      fake.setFaults(faults);
      const t0 = performance.now();
      const r = await fwd.send(events(1));
      assert.equal(r.sent, 1);
      return performance.now() - t0;
    };
    const seconds = await timed([{ status: 429, retryAfter: 0.08 }]);
    assert.ok(seconds >= 75 && seconds < 1_000, `Retry-After 0.08 s waited ${seconds} ms`);
    const capped = await timed([{ status: 429, retryAfter: 1 }]);
    assert.ok(capped >= 145 && capped < 1_000, `Retry-After 1 s, capped at 150 ms, waited ${capped} ms`);
    const date = await timed([{ status: 503, retryAfter: new Date(Date.now() + 5_000).toUTCString() }]);
    assert.ok(date >= 145 && date < 1_000, `Retry-After as a date, capped, waited ${date} ms`);
    const none = await timed([{ status: 503 }]);
    assert.ok(none < 500, `no Retry-After and baseDelayMs 0 waited ${none} ms`);
    const waits = cap.lines.filter((l) => l.level === 'warn').map((l) => l.text.replace(/^.*(retrying in .*)$/, '$1'));
    // The same wording as the CLI's: both come from the delivery engine.
    assert.deepEqual(waits, [
      'retrying in 80 ms (Retry-After 80 ms)',
      'retrying in 150 ms (Retry-After 1000 ms, capped at 150 ms)',
      waits[2], // the date's distance depends on the clock
      'retrying in 0 ms',
    ]);
    assert.match(waits[2], /^retrying in 150 ms \(Retry-After \d+ ms, capped at 150 ms\)$/);
  });

  it('backs off exponentially with full jitter, each wait at most min(maxDelayMs, base * 2^n)', async () => {
    const stamps = [];
    let calls = 0;
    const fetch = async () => {
      stamps.push(performance.now());
      calls++;
      return new Response(calls <= 5 ? '{"error":{"code":503,"message":"busy"}}' : null, {
        status: calls <= 5 ? 503 : 202,
      });
    };
    const cap = capture();
    const fwd = createForwarder({ endpoint: 'https://abc12345.live.dynatrace.com/platform/ingest/v1/security.events', token: TOKEN, fetch, baseDelayMs: 20, maxDelayMs: 50, maxAttempts: 6, ...cap.opts });
    const result = await fwd.send(events(3));
    assert.deepEqual(result, { sent: 3, deadLettered: 0, retried: 5, requests: 6, ok: true });
    const bounds = [20, 40, 50, 50, 50];
    const waits = cap.lines.filter((l) => l.level === 'warn').map((l) => Number(/retrying in (\d+) ms/.exec(l.text)[1]));
    assert.equal(waits.length, 5);
    waits.forEach((w, i) => assert.ok(w >= 0 && w <= bounds[i], `wait ${i + 1} was ${w} ms, bound ${bounds[i]}`));
    for (let i = 1; i < stamps.length; i++) {
      const gap = stamps[i] - stamps[i - 1];
      assert.ok(gap <= bounds[i - 1] + 150, `gap ${i} was ${gap} ms`); // generous: timers overshoot under load
    }
  });

  it('dead-letters timeouts and network errors once the attempts are used up', async () => {
    // Timeout.
    let cap = capture();
    let fwd = createForwarder({ endpoint: fake.url, token: TOKEN, maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2, timeoutMs: 60, ...cap.opts });
    fake.setFaults([{ delayMs: 300 }, { delayMs: 300 }]);
    let result = await fwd.send(events(2));
    assert.deepEqual(result, { sent: 0, deadLettered: 2, retried: 1, requests: 2, ok: false });
    assert.equal(cap.letters[0].reason.code, 'timeout');
    assert.equal(cap.letters[0].reason.status, undefined);
    assert.equal(cap.letters[0].reason.attempts, 2);
    assert.match(cap.letters[0].reason.message, /gave up after 2 attempts: timed out/);
    await new Promise((r) => setTimeout(r, 300)); // let the slow answers lapse
    assert.deepEqual(fake.events, [], 'nothing was accepted by the timed-out requests');

    // Reset.
    fake.reset();
    cap = capture();
    fwd = createForwarder({ endpoint: fake.url, token: TOKEN, maxAttempts: 3, ...FAST, ...cap.opts });
    fake.setFaults([{ reset: true }, { reset: true }, { reset: true }]);
    result = await fwd.send(events(1));
    assert.deepEqual(result, { sent: 0, deadLettered: 1, retried: 2, requests: 3, ok: false });
    assert.equal(cap.letters[0].reason.code, 'network');
    assert.match(cap.letters[0].reason.message, /network error/);

    // Connection refused: a port that was just free.
    const port = await new Promise((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = s.address().port;
        s.close(() => resolve(p));
      });
    });
    cap = capture();
    fwd = createForwarder({ endpoint: `http://127.0.0.1:${port}/platform/ingest/v1/security.events`, token: TOKEN, maxAttempts: 2, ...FAST, ...cap.opts });
    result = await fwd.send(events(3));
    assert.deepEqual(result, { sent: 0, deadLettered: 3, retried: 1, requests: 2, ok: false });
    assert.equal(cap.letters[0].reason.code, 'network');
    assert.match(cap.letters[0].reason.message, /ECONNREFUSED/);
    assertNoToken(cap.lines, cap.letters, result);
  });
});

describe('413 and permanent failures', () => {
  it('splits a batch in halves on 413, recursively, and dead-letters a single event that still does not fit', async () => {
    const small = await startFakeIngest({ token: TOKEN, maxBodyBytes: 1_000 });
    try {
      const cap = capture();
      const fwd = createForwarder({ endpoint: small.url, token: TOKEN, ...FAST, ...cap.opts });
      const input = Array.from({ length: 20 }, (_, i) => ({ 'event.id': `e-${i}`, pad: 'z'.repeat(150) }));
      const big = { 'event.id': 'big', pad: 'z'.repeat(1_200) };
      input.splice(7, 0, big);
      const result = await fwd.send(input);
      assert.equal(result.sent, 20);
      assert.equal(result.deadLettered, 1);
      assert.equal(result.retried, 0, '413 splits are not retries');
      assert.equal(result.requests, small.requests.length);
      assert.deepEqual(small.events, input.filter((e) => e !== big), 'order kept across splits');
      for (const b of small.bodies) assert.ok(Buffer.byteLength(b) <= 1_000);
      const statuses = small.requests.map((r) => r.status);
      assert.ok(statuses.includes(413) && statuses.filter((s) => s === 202).length >= 4, statuses.join(','));
      assert.equal(cap.letters.length, 1);
      assert.deepEqual(cap.letters[0].events, [big]);
      assert.equal(cap.letters[0].reason.code, 'too-large');
      assert.equal(cap.letters[0].reason.status, 413);
      assert.ok(cap.letters[0].reason.attempts >= 2, 'counts the requests that carried it');
      assert.match(cap.letters[0].reason.message, /413/);
      assert.ok(cap.lines.some((l) => l.level === 'warn' && /413 .*splitting the batch into \d+ \+ \d+ events/.test(l.text)));
      assertNoToken(cap.lines, cap.letters, result);
    } finally {
      await small.close();
    }
  });

  it('an injected 413 splits once into two halves', async () => {
    const cap = capture();
    const fwd = createForwarder({ endpoint: fake.url, token: TOKEN, ...FAST, ...cap.opts });
    fake.setFaults([{ status: 413 }]);
    const input = events(9);
    const result = await fwd.send(input);
    assert.deepEqual(result, { sent: 9, deadLettered: 0, retried: 0, requests: 3, ok: true });
    assert.deepEqual(fake.requests.map((r) => [r.status, r.eventCount]), [[413, 9], [202, 5], [202, 4]]);
    assert.deepEqual(fake.events, input);
  });

  it('a permanent 401 dead-letters everything with the reason, without retries', async () => {
    const cap = capture();
    const wrong = `${TOKEN.slice(0, -4)}XXXX`;
    const fwd = createForwarder({ endpoint: fake.url, token: wrong, maxBatchEvents: 2, ...FAST, ...cap.opts });
    const input = events(7);
    const result = await fwd.send(input);
    assert.deepEqual(result, { sent: 0, deadLettered: 7, retried: 0, requests: 1, ok: false });
    assert.equal(fake.requests.length, 1, 'no request after the first 401');
    assert.equal(fake.requests[0].authorized, false);
    assert.deepEqual(cap.lettered(), input);
    for (const l of cap.letters) {
      assert.equal(l.reason.code, 'http-status');
      assert.equal(l.reason.status, 401);
      assert.match(l.reason.message, /401 Unauthorized: the token is missing or invalid \(Token Authentication failed\)/);
    }
    assert.equal(cap.letters[0].reason.attempts, 1);
    assert.equal(cap.letters[1].reason.attempts, 0);
    assert.match(cap.letters[1].reason.message, /^not sent: an earlier request of this send failed: 401/);
    assert.equal(cap.lines.filter((l) => l.level === 'warn').length, 0, 'no retry');
    assert.ok(cap.lines.every((l) => l.level === 'error' && /401/.test(l.text)));
    assert.ok(!JSON.stringify([cap.lines, cap.letters, result]).includes(wrong), 'the wrong token does not leak either');

    // The next send tries again (the token may have been fixed in the meantime; here not).
    const again = await fwd.send(events(1));
    assert.equal(again.requests, 1);
    assert.deepEqual(fwd.counters, { sent: 0, deadLettered: 8, retried: 0, requests: 2 });
  });

  it('400 is not retried; the other batches still go', async () => {
    const cap = capture();
    const fwd = createForwarder({ endpoint: fake.url, token: TOKEN, maxBatchEvents: 2, ...FAST, ...cap.opts });
    fake.setFaults([{ status: 400, message: 'Invalid event: event.type missing' }]);
    const input = events(4);
    const result = await fwd.send(input);
    assert.deepEqual(result, { sent: 2, deadLettered: 2, retried: 0, requests: 2, ok: false });
    assert.deepEqual(fake.events, input.slice(2));
    assert.deepEqual(cap.letters[0].events, input.slice(0, 2));
    assert.deepEqual(cap.letters[0].reason, {
      code: 'http-status',
      status: 400,
      message: '400 Bad Request: the ingest API rejected the request body (Invalid event: event.type missing)',
      attempts: 1,
    });
  });

  it('404 (wrong endpoint) and 403 are not retried', async () => {
    let cap = capture();
    let fwd = createForwarder({ endpoint: `${fake.origin}/platform/ingest/custom/security.events/no..such`, token: TOKEN, ...FAST, ...cap.opts });
    let result = await fwd.send(events(3));
    assert.deepEqual(result, { sent: 0, deadLettered: 3, retried: 0, requests: 1, ok: false });
    assert.equal(cap.letters[0].reason.status, 404);
    assert.match(cap.letters[0].reason.message, /^404 Not Found: no ingest endpoint at this URL \(no ingest endpoint at/);

    fake.reset();
    cap = capture();
    fwd = createForwarder({ endpoint: fake.url, token: TOKEN, ...FAST, ...cap.opts });
    fake.setFaults([{ status: 403, message: 'Token is missing required scope' }]);
    result = await fwd.send(events(3));
    assert.deepEqual(result, { sent: 0, deadLettered: 3, retried: 0, requests: 1, ok: false });
    assert.equal(cap.letters[0].reason.message, '403 Forbidden: the token lacks the scope openpipeline.events_security (Token is missing required scope)');
  });

  it('a non-JSON error body is reported as a short snippet', async () => {
    const cap = capture();
    const fetch = async () => new Response('<html><body>\n  <h1>Bad gateway</h1>\n</body></html>', { status: 400 });
    const fwd = createForwarder({ endpoint: fake.url, token: TOKEN, fetch, ...FAST, ...cap.opts });
    await fwd.send(events(1));
    assert.equal(cap.letters[0].reason.message, '400 Bad Request: the ingest API rejected the request body (<html><body> <h1>Bad gateway</h1> </body></html>)');
  });
});

describe('secrecy, callbacks and counters', () => {
  it('never lets the token into logs, dead letters, results or errors', async () => {
    const cap = capture();
    const results = [];
    const errors = [];
    // A runtime whose errors echo the request headers.
    const echoing = async (_url, init) => {
      throw new TypeError(`request failed; headers were ${JSON.stringify(init.headers)}`);
    };
    // A server whose error bodies echo the Authorization header.
    const reflecting = async (_url, init) =>
      new Response(JSON.stringify({ error: { code: 400, message: `bad request with ${init.headers.Authorization}` } }), { status: 400 });
    for (const fetch of [echoing, reflecting, undefined]) {
      const fwd = createForwarder({ endpoint: fake.url, token: TOKEN, fetch, maxAttempts: 2, ...FAST, ...cap.opts });
      fake.setFaults([{ status: 500 }, { status: 401 }]);
      results.push(await fwd.send(events(2)), fwd.counters);
    }
    assert.ok(cap.lines.length >= 4 && cap.letters.length >= 3);
    assert.ok(cap.lines.some((l) => l.text.includes('[redacted]')), 'the echoed token was redacted');
    // Errors from bad options and settings.
    const attempts = [
      () => createForwarder({ endpoint: fake.url, token: `${TOKEN}\n` }),
      () => createForwarder({ endpoint: fake.url, token: `${TOKEN} x` }),
      () => createForwarder({ endpoint: `${fake.url}?api-token=${TOKEN}`, token: TOKEN, maxAttempts: TOKEN }),
      () => createForwarder({ endpoint: `http://x:${TOKEN}@127.0.0.1/`, token: TOKEN }),
      () => createForwarder({ endpoint: TOKEN, token: TOKEN }),
      () => forwarderOptionsFromEnv({ DT_INGEST_URL: TOKEN, DT_API_TOKEN: TOKEN }),
      () => forwarderOptionsFromEnv({ DT_INGEST_URL: fake.url, DT_API_TOKEN: `${TOKEN} extra` }),
      () => forwarderOptionsFromEnv({ DT_INGEST_URL: fake.url, DT_API_TOKEN: TOKEN, SECMAP_MAX_ATTEMPTS: TOKEN }),
    ];
    for (const f of attempts) {
      try {
        f();
        assert.fail('expected an error');
      } catch (e) {
        errors.push(e);
      }
    }
    assert.equal(errors.length, attempts.length);
    // A deadLetter that fails rejects send with an error that does not carry the token.
    const failing = createForwarder({
      endpoint: fake.url,
      token: TOKEN,
      ...FAST,
      logger: cap.logger,
      deadLetter: () => {
        throw new Error(`queue refused; token ${TOKEN}`);
      },
    });
    fake.setFaults([{ status: 400 }]);
    await assert.rejects(failing.send(events(1)), (e) => {
      errors.push(e);
      return /deadLetter failed for 1 event/.test(e.message);
    });
    assertNoToken(
      cap.lines.map((l) => l.text),
      cap.letters,
      results,
      errors.map((e) => inspect(e, { depth: 5 })), // message, stack and cause
    );
  });

  it('awaits an async deadLetter before send resolves', async () => {
    const seen = [];
    const fwd = createForwarder({
      endpoint: fake.url,
      token: TOKEN,
      ...FAST,
      logger: capture().logger,
      deadLetter: async (letter) => {
        await new Promise((r) => setTimeout(r, 30));
        seen.push(letter.events.length);
      },
    });
    fake.setFaults([{ status: 400 }]);
    const result = await fwd.send(events(3));
    assert.deepEqual(seen, [3]);
    assert.equal(result.deadLettered, 3);
  });

  it('without deadLetter, logs the count at error level, never the events', async () => {
    const cap = capture();
    const fwd = createForwarder({ endpoint: fake.url, token: TOKEN, ...FAST, logger: cap.logger });
    fake.setFaults([{ status: 400 }]);
    const result = await fwd.send(events(3, { secret: 'EVENT-CONTENT-MARKER' }));
    assert.equal(result.deadLettered, 3);
    assert.equal(cap.lines.length, 1);
    assert.equal(cap.lines[0].level, 'error');
    assert.match(cap.lines[0].text, /3 events not delivered .*no deadLetter configured/);
    assert.ok(!cap.lines[0].text.includes('EVENT-CONTENT-MARKER'));
    assert.ok(!cap.lines[0].text.includes('e-0'));
  });

  it('counters add up over sends', async () => {
    const cap = capture();
    const fwd = createForwarder({ endpoint: fake.url, token: TOKEN, maxBatchEvents: 5, maxAttempts: 2, ...FAST, ...cap.opts });
    fake.setFaults([{ status: 503 }, { status: 503 }, { status: 429 }]);
    const a = await fwd.send(events(12)); // batch 1 dead-lettered after 2; batch 2 retried once
    const b = await fwd.send(events(4));
    assert.deepEqual(a, { sent: 7, deadLettered: 5, retried: 2, requests: 5, ok: false });
    assert.deepEqual(b, { sent: 4, deadLettered: 0, retried: 0, requests: 1, ok: true });
    const c = fwd.counters;
    assert.deepEqual(c, { sent: 11, deadLettered: 5, retried: 2, requests: 6 });
    assert.equal(c.sent + c.deadLettered, 16);
    assert.equal(c.requests, fake.requests.length);
    fwd.counters.sent = 1e9; // a snapshot: changing it changes nothing
    assert.equal(fwd.counters.sent, 11);
  });

  it('uses an injected fetch, and globalThis.fetch by default', async () => {
    const urls = [];
    const fetch = async (url, init) => {
      urls.push([url, init.method, init.headers['Content-Type'], init.body instanceof Uint8Array]);
      return new Response(null, { status: 202 });
    };
    const endpoint = 'https://abc12345.live.dynatrace.com/platform/ingest/v1/security.events';
    const fwd = createForwarder({ endpoint, token: TOKEN, fetch, ...FAST, ...capture().opts });
    assert.equal((await fwd.send(events(1))).sent, 1);
    assert.deepEqual(urls, [[endpoint, 'POST', 'application/json; charset=utf-8', true]]);
  });

  it('rejects malformed options, naming them', () => {
    const ok = { endpoint: fake.url, token: TOKEN };
    assert.throws(() => createForwarder({ ...ok, maxBatchSize: 10 }), /unknown option `maxBatchSize`/);
    assert.throws(() => createForwarder({ ...ok, maxAttempts: 0 }), /`maxAttempts` must be a positive integer/);
    assert.throws(() => createForwarder({ ...ok, maxBatchEvents: 1.5 }), /`maxBatchEvents`/);
    assert.throws(() => createForwarder({ ...ok, maxBatchBytes: 2 }), /`maxBatchBytes` must be at least 3/);
    assert.throws(() => createForwarder({ ...ok, timeoutMs: -1 }), /`timeoutMs`/);
    assert.throws(() => createForwarder({ ...ok, baseDelayMs: Number.NaN }), /`baseDelayMs`/);
    assert.throws(() => createForwarder({ ...ok, timeoutMs: 2 ** 31 }), /`timeoutMs` must be at most 2147483647 ms/);
    assert.throws(() => createForwarder({ ...ok, maxDelayMs: '5' }), /`maxDelayMs`/);
    assert.throws(() => createForwarder({ ...ok, token: '' }), /`token` is required/);
    assert.throws(() => createForwarder({ ...ok, token: undefined }), /`token` is required/);
    assert.throws(() => createForwarder({ ...ok, endpoint: 'not a url' }), /`endpoint` is not a URL/);
    assert.throws(() => createForwarder({ ...ok, endpoint: 'ftp://x/y' }), /http\(s\) URL/);
    assert.throws(() => createForwarder({ ...ok, deadLetter: 'x' }), /`deadLetter` must be a function/);
    assert.throws(() => createForwarder({ ...ok, logger: {} }), /`logger` must have info/);
    assert.doesNotThrow(() => createForwarder({ ...ok, baseDelayMs: 0, maxDelayMs: 0, fetch: undefined }));
  });

  it('rejects send() of something that is neither a body nor an array of serializable events', async () => {
    const fwd = createForwarder({ endpoint: fake.url, token: TOKEN, ...FAST, ...capture().opts });
    await assert.rejects(fwd.send(7), /expected what transform returned \(or its bodyBytes or body\), or an array of events/);
    await assert.rejects(fwd.send([{ n: 1n }]), /event 0 cannot be serialized/);
    assert.equal(fake.requests.length, 0);
  });
});

describe('forwarderOptionsFromEnv', () => {
  const url = 'https://abc12345.live.dynatrace.com/platform/ingest/v1/security.events';

  it('takes DT_INGEST_URL as is, and prefers it to DT_ENVIRONMENT_URL', () => {
    const custom = 'https://abc12345.live.dynatrace.com/platform/ingest/custom/security.events/secmap';
    assert.deepEqual(forwarderOptionsFromEnv({ DT_INGEST_URL: custom, DT_API_TOKEN: TOKEN }), { endpoint: custom, token: TOKEN });
    assert.deepEqual(
      forwarderOptionsFromEnv({ DT_INGEST_URL: custom, DT_ENVIRONMENT_URL: 'https://other.live.dynatrace.com', DT_API_TOKEN: TOKEN }).endpoint,
      custom,
    );
  });

  it('appends the built-in path to DT_ENVIRONMENT_URL', () => {
    for (const base of ['https://abc12345.live.dynatrace.com', 'https://abc12345.live.dynatrace.com/', ' https://abc12345.live.dynatrace.com// ']) {
      assert.equal(forwarderOptionsFromEnv({ DT_ENVIRONMENT_URL: base, DT_API_TOKEN: TOKEN }).endpoint, url, base);
    }
    assert.equal(
      forwarderOptionsFromEnv({ DT_ENVIRONMENT_URL: 'https://ag.example:9999/e/abc12345', DT_API_TOKEN: TOKEN }).endpoint,
      'https://ag.example:9999/e/abc12345/platform/ingest/v1/security.events',
    );
    // Empty settings count as unset (app settings often exist but are blank).
    assert.equal(forwarderOptionsFromEnv({ DT_INGEST_URL: '', DT_ENVIRONMENT_URL: 'https://abc12345.live.dynatrace.com', DT_API_TOKEN: TOKEN }).endpoint, url);
  });

  it('names a missing URL or token, never showing the token', () => {
    assert.throws(() => forwarderOptionsFromEnv({ DT_API_TOKEN: TOKEN }), (e) => /DT_INGEST_URL .* or DT_ENVIRONMENT_URL/.test(e.message) && !e.message.includes(TOKEN));
    assert.throws(() => forwarderOptionsFromEnv({ DT_INGEST_URL: url }), /DT_API_TOKEN is required/);
    assert.throws(() => forwarderOptionsFromEnv({ DT_INGEST_URL: url, DT_API_TOKEN: '  ' }), /DT_API_TOKEN is required/);
    assert.throws(
      () => forwarderOptionsFromEnv({ DT_INGEST_URL: url, DT_API_TOKEN: `${TOKEN.slice(0, 20)}\u00e9${TOKEN.slice(20)}` }),
      (e) => /DT_API_TOKEN is malformed/.test(e.message) && !e.message.includes(TOKEN.slice(20)) && !e.message.includes(TOKEN.slice(0, 20)),
    );
    assert.throws(() => forwarderOptionsFromEnv({ DT_INGEST_URL: 'abc12345.live.dynatrace.com', DT_API_TOKEN: TOKEN }), /DT_INGEST_URL is not a URL/);
    assert.throws(() => forwarderOptionsFromEnv({ DT_ENVIRONMENT_URL: 'https://abc.live.dynatrace.com/?x=1', DT_API_TOKEN: TOKEN }), /DT_ENVIRONMENT_URL must not have a query/);
    assert.throws(() => forwarderOptionsFromEnv(undefined), /env must be an object/);
  });

  it('trims the token (secrets often end in a newline)', () => {
    assert.equal(forwarderOptionsFromEnv({ DT_INGEST_URL: url, DT_API_TOKEN: `${TOKEN}\n` }).token, TOKEN);
  });

  it('reads the limits and rejects malformed numbers', () => {
    const env = {
      DT_INGEST_URL: url,
      DT_API_TOKEN: TOKEN,
      SECMAP_MAX_BATCH_BYTES: '1000000',
      SECMAP_MAX_BATCH_EVENTS: '100',
      SECMAP_MAX_ATTEMPTS: ' 3 ',
      SECMAP_BASE_DELAY_MS: '0',
      SECMAP_MAX_DELAY_MS: '2000',
      SECMAP_TIMEOUT_MS: '10000',
      UNRELATED: 'ignored',
    };
    assert.deepEqual(forwarderOptionsFromEnv(env), {
      endpoint: url,
      token: TOKEN,
      maxBatchBytes: 1_000_000,
      maxBatchEvents: 100,
      maxAttempts: 3,
      baseDelayMs: 0,
      maxDelayMs: 2000,
      timeoutMs: 10_000,
    });
    const bad = [
      ['SECMAP_MAX_BATCH_BYTES', '10MB', /SECMAP_MAX_BATCH_BYTES must be a positive whole number, got "10MB"/],
      ['SECMAP_MAX_BATCH_BYTES', '2', /SECMAP_MAX_BATCH_BYTES is out of range/],
      ['SECMAP_MAX_BATCH_EVENTS', '-1', /SECMAP_MAX_BATCH_EVENTS must be a positive whole number/],
      ['SECMAP_MAX_ATTEMPTS', '0', /SECMAP_MAX_ATTEMPTS is out of range/],
      ['SECMAP_MAX_ATTEMPTS', '2.5', /SECMAP_MAX_ATTEMPTS must be/],
      ['SECMAP_BASE_DELAY_MS', '1e3', /SECMAP_BASE_DELAY_MS must be a non-negative whole number/],
      ['SECMAP_MAX_DELAY_MS', 'NaN', /SECMAP_MAX_DELAY_MS/],
      ['SECMAP_TIMEOUT_MS', '99999999999999999999', /SECMAP_TIMEOUT_MS is out of range/],
      ['SECMAP_MAX_DELAY_MS', '2147483648', /SECMAP_MAX_DELAY_MS is out of range/],
    ];
    for (const [name, value, re] of bad) {
      assert.throws(() => forwarderOptionsFromEnv({ ...env, [name]: value }), re, `${name}=${value}`);
    }
  });

  it('feeds createForwarder directly', async () => {
    const opts = forwarderOptionsFromEnv({ DT_ENVIRONMENT_URL: fake.origin, DT_API_TOKEN: TOKEN, SECMAP_MAX_BATCH_EVENTS: '2' });
    const fwd = createForwarder({ ...opts, ...FAST, ...capture().opts });
    const result = await fwd.send(events(3));
    assert.deepEqual(result, { sent: 3, deadLettered: 0, retried: 0, requests: 2, ok: true });
    assert.equal(fake.requests[0].path, '/platform/ingest/v1/security.events');
  });
});
