// The fake ingest server (js/test-support/fake-ingest.mjs) behaves like Dynatrace's
// security-events ingest API, in its JS API and in its CLI mode.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

import { INGEST_PATH, startFakeIngest } from '../test-support/fake-ingest.mjs';

const TOKEN = 'dt0c01.FAKETESTTOKENPUBLICPART.FAKETESTTOKENSECRETPARTFAKETESTTOKENSECRETPART';
const SCRIPT = fileURLToPath(new URL('../test-support/fake-ingest.mjs', import.meta.url));

function post(url, body, { token = TOKEN, contentType = 'application/json; charset=utf-8', method = 'POST' } = {}) {
  const headers = {};
  if (token !== null) headers.authorization = `Api-Token ${token}`;
  if (contentType !== null) headers['content-type'] = contentType;
  return fetch(url, { method, headers, body: method === 'GET' ? undefined : body });
}

describe('fake ingest (JS API)', () => {
  let fake;
  before(async () => {
    fake = await startFakeIngest({ token: TOKEN, maxBodyBytes: 1_000 });
  });
  after(() => fake.close());
  beforeEach(() => fake.reset());

  it('listens on 127.0.0.1 at the built-in ingest path', () => {
    assert.match(fake.url, /^http:\/\/127\.0\.0\.1:\d+\/platform\/ingest\/v1\/security\.events$/);
    assert.equal(new URL(fake.url).pathname, INGEST_PATH);
  });

  it('accepts a JSON array with 202 and an empty body, and records it', async () => {
    const body = '[{"event.id":"a","n":1.5},{"event.id":"b","s":"é"}]';
    const res = await post(fake.url, body);
    assert.equal(res.status, 202);
    assert.equal(await res.text(), '');
    assert.deepEqual(fake.events, [{ 'event.id': 'a', n: 1.5 }, { 'event.id': 'b', s: 'é' }]);
    assert.deepEqual(fake.bodies, [body]);
    assert.deepEqual(fake.requests, [
      {
        method: 'POST',
        path: INGEST_PATH,
        status: 202,
        bytes: Buffer.byteLength(body),
        authorized: true,
        contentType: 'application/json; charset=utf-8',
        eventCount: 2,
      },
    ]);
  });

  it('accepts custom endpoints, answers 404 to other paths', async () => {
    const custom = `${fake.origin}/platform/ingest/custom/security.events/my.endpoint1`;
    assert.equal((await post(custom, '[]')).status, 202);
    for (const path of ['/', '/platform/ingest/v1/events', '/platform/ingest/custom/security.events/bad..name', '/platform/ingest/custom/security.events/']) {
      const res = await post(`${fake.origin}${path}`, '[]');
      assert.equal(res.status, 404, path);
      assert.equal((await res.json()).error.code, 404);
    }
  });

  it('answers 401 with a Dynatrace error envelope, and never stores the header value', async () => {
    for (const token of [null, 'wrong', `${TOKEN}x`]) {
      const res = await post(fake.url, '[{"a":1}]', { token });
      assert.equal(res.status, 401);
      assert.match(res.headers.get('content-type'), /^application\/json/);
      const body = await res.json();
      assert.equal(body.error.code, 401);
      assert.equal(typeof body.error.message, 'string');
    }
    const bearer = await fetch(fake.url, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: '[]' });
    assert.equal(bearer.status, 401);
    assert.deepEqual(fake.events, []);
    assert.ok(fake.requests.every((r) => r.authorized === false && r.status === 401));
    assert.ok(!JSON.stringify(fake.requests).includes(TOKEN.split('.')[2]), 'no token in the records');
  });

  it('answers 400 to a wrong content type or a body that is not a JSON array of objects', async () => {
    const cases = [
      ['[]', 'text/plain'],
      ['[]', null],
      ['{"event.id":"a"}', undefined],
      ['[1,2]', undefined],
      ['[{"a":1},', undefined],
      [new Uint8Array([0x5b, 0x22, 0xff, 0x22, 0x5d]), undefined], // not UTF-8
    ];
    for (const [body, contentType] of cases) {
      const res = await post(fake.url, body, contentType === undefined ? {} : { contentType });
      assert.equal(res.status, 400, String(body));
      const err = await res.json();
      assert.equal(err.error.code, 400);
    }
    assert.deepEqual(fake.events, []);
  });

  it('answers 413 above maxBodyBytes, 405 to other methods', async () => {
    const big = JSON.stringify([{ pad: 'x'.repeat(1_000) }]);
    const res = await post(fake.url, big);
    assert.equal(res.status, 413);
    assert.equal((await res.json()).error.code, 413);
    const fits = JSON.stringify([{ pad: 'x'.repeat(1_000 - 12) }]);
    assert.equal(Buffer.byteLength(fits), 1_000);
    assert.equal((await post(fake.url, fits)).status, 202);
    assert.equal((await post(fake.url, '[]', { method: 'PUT' })).status, 405);
  });

  it('applies faults in order, to one request each, without accepting their events', async () => {
    fake.setFaults([
      { status: 429, retryAfter: 7 },
      { status: 503 },
      { status: 401, message: 'custom message' },
      { reset: true },
      { delayMs: 150 },
      { status: 413 },
    ]);
    const r1 = await post(fake.url, '[{"n":1}]');
    assert.equal(r1.status, 429);
    assert.equal(r1.headers.get('retry-after'), '7');
    assert.equal((await post(fake.url, '[{"n":2}]')).status, 503);
    const r3 = await post(fake.url, '[{"n":3}]');
    assert.equal(r3.status, 401);
    assert.deepEqual(await r3.json(), { error: { code: 401, message: 'custom message' } });
    await assert.rejects(post(fake.url, '[{"n":4}]'), /fetch failed/);
    const t0 = performance.now();
    assert.equal((await post(fake.url, '[{"n":5}]')).status, 202);
    assert.ok(performance.now() - t0 >= 140, 'the slow answer was slow');
    assert.equal((await post(fake.url, '[{"n":6}]')).status, 413);
    assert.equal((await post(fake.url, '[{"n":7}]')).status, 202, 'the queue is empty');
    assert.deepEqual(fake.events, [{ n: 5 }, { n: 7 }]);
    assert.deepEqual(fake.requests.map((r) => r.status), [429, 503, 401, 0, 202, 413, 202]);
    assert.deepEqual(fake.requests.map((r) => r.fault), ['status 429', 'status 503', 'status 401', 'reset', 'delay 150ms', 'status 413', undefined]);
  });

  it('does not accept the events of a slow request the client gave up on', async () => {
    fake.setFaults([{ delayMs: 200 }]);
    await assert.rejects(fetch(fake.url, { method: 'POST', headers: { authorization: `Api-Token ${TOKEN}`, 'content-type': 'application/json' }, body: '[{"n":1}]', signal: AbortSignal.timeout(50) }));
    await new Promise((r) => setTimeout(r, 250));
    assert.deepEqual(fake.events, []);
    assert.equal(fake.requests[0].status, 0);
    assert.match(fake.requests[0].fault, /client gone/);
  });

  it('rejects malformed faults', () => {
    assert.throws(() => fake.setFaults({ status: 500 }), /list/);
    assert.throws(() => fake.setFaults([{ status: 200 }]), /300-599/);
    assert.throws(() => fake.setFaults([{ status: 500, reset: true }]), /exactly one/);
    assert.throws(() => fake.setFaults([{ sleep: 5 }]), /unknown fault key/);
  });
});

describe('fake ingest (CLI mode)', () => {
  it('prints its URLs, serves the control endpoints, and exits when stdin closes', async () => {
    const child = spawn(process.execPath, [SCRIPT, '--token', TOKEN, '--max-body-bytes', '500'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    try {
      const lines = createInterface({ input: child.stdout });
      const [first] = await once(lines, 'line');
      const info = JSON.parse(first);
      assert.match(info.url, /^http:\/\/127\.0\.0\.1:\d+\/platform\/ingest\/v1\/security\.events$/);
      assert.equal(info.control, `${new URL(info.url).origin}/_fake`);

      const faults = await fetch(`${info.control}/faults`, { method: 'POST', body: JSON.stringify([{ status: 503 }]) });
      assert.equal(faults.status, 200);
      assert.equal((await post(info.url, '[{"n":1}]')).status, 503);
      assert.equal((await post(info.url, '[{"n":1}]')).status, 202);
      assert.equal((await post(info.url, JSON.stringify([{ pad: 'x'.repeat(600) }]))).status, 413);
      assert.equal((await post(info.url, '[]', { token: 'nope' })).status, 401);
      const bad = await fetch(`${info.control}/faults`, { method: 'POST', body: '{"status":500}' });
      assert.equal(bad.status, 400);

      const state = await (await fetch(`${info.control}/state`)).json();
      assert.deepEqual(state.events, [{ n: 1 }]);
      assert.deepEqual(state.requests.map((r) => r.status), [503, 202, 413, 401]);
      assert.ok(!JSON.stringify(state).includes(TOKEN.split('.')[2]));

      assert.equal((await fetch(`${info.control}/reset`, { method: 'POST' })).status, 200);
      const cleared = await (await fetch(`${info.control}/state`)).json();
      assert.deepEqual([cleared.events, cleared.requests], [[], []]);
      assert.equal((await fetch(`${info.control}/nope`)).status, 404);

      const exited = once(child, 'exit');
      child.stdin.end();
      const [code] = await exited;
      assert.equal(code, 0);
    } finally {
      if (child.exitCode === null) child.kill();
    }
  });

  it('refuses unknown arguments', async () => {
    const child = spawn(process.execPath, [SCRIPT, '--port', '1'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const [code] = await once(child, 'exit');
    assert.equal(code, 2);
  });
});
