// The Cloudflare Worker in workerd (miniflare 4, 127.0.0.1), end to end against the fake
// Dynatrace ingest server: auth, limits, errors, golden events, faults, dead letter, secrecy.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startFakeIngest } from '../../../test-support/fake-ingest.mjs';
import { TESTDATA } from '../../../test-support/corpus.mjs';
import { startWorker } from '../test-support/miniflare.mjs';

const TOKEN = 'dt0c01.WORKERTEST.s3cr3t-t0ken-value';
const SECRET = 'correct horse battery staple';
const MAX_BODY = 65536;

let fake;
let worker;
const seen = []; // every response body, checked for the token at the end

const load = (name) => readFileSync(`${TESTDATA}${name}`);
const golden = (name) => readFileSync(`${TESTDATA}${name}.events.ndjson`, 'utf8').split('\n').filter(Boolean);

async function post(body, { secret = SECRET, provider, headers = {}, method = 'POST' } = {}) {
  const url = new URL(worker.url);
  if (provider) url.searchParams.set('provider', provider);
  const h = { ...headers };
  if (secret !== null) h['X-Secmap-Secret'] = secret;
  const init = { method, headers: h };
  if (body !== undefined) init.body = body;
  if (body instanceof ReadableStream) init.duplex = 'half';
  const res = await fetch(url, init);
  const text = await res.text();
  seen.push(text);
  return { status: res.status, headers: res.headers, text, json: text ? JSON.parse(text) : undefined };
}

before(async () => {
  fake = await startFakeIngest({ token: TOKEN });
  worker = await startWorker({
    bindings: {
      DT_INGEST_URL: fake.url,
      DT_API_TOKEN: TOKEN,
      SECMAP_SHARED_SECRET: SECRET,
      SECMAP_MAX_BODY_BYTES: String(MAX_BODY),
      SECMAP_BASE_DELAY_MS: '1',
      SECMAP_MAX_DELAY_MS: '20',
      SECMAP_TIMEOUT_MS: '400',
      SECMAP_MAX_ATTEMPTS: '5',
    },
    r2Buckets: ['DEAD_LETTER'],
  });
});

after(async () => {
  await worker?.dispose();
  await fake?.close();
});

beforeEach(() => fake.reset());

test('GET is 405 with Allow: POST', async () => {
  const r = await post(undefined, { method: 'GET' });
  assert.equal(r.status, 405);
  assert.equal(r.headers.get('allow'), 'POST');
  assert.equal(r.json.error.code, 'method-not-allowed');
});

test('a missing or wrong secret is 401, and nothing is forwarded', async () => {
  const body = load('cases/guardduty/eks-multi-container.json');
  const missing = await post(body, { secret: null });
  assert.equal(missing.status, 401);
  assert.deepEqual(Object.keys(missing.json.error).sort(), ['code', 'message']);
  assert.equal(missing.json.error.code, 'unauthorized');
  for (const wrong of ['correct horse battery stapl', `${SECRET}!`, 'x', SECRET.toUpperCase()]) {
    const r = await post(body, { secret: wrong });
    assert.equal(r.status, 401, wrong);
    assert.equal(r.json.error.code, 'unauthorized');
  }
  assert.equal(fake.requests.length, 0);
});

test('an oversized body is 413, by Content-Length and while streaming', async () => {
  const big = new Uint8Array(MAX_BODY + 1).fill(0x20);
  const byLength = await post(big);
  assert.equal(byLength.status, 413);
  assert.equal(byLength.json.error.code, 'payload-too-large');

  // No Content-Length (chunked): the Worker counts while reading. The body ends with the
  // chunk that crosses the limit, so the Worker has read all of it when it answers (a
  // client still sending after the 413 may see the connection reset instead of the answer).
  const chunk = new Uint8Array(16384).fill(0x20);
  let sent = 0;
  const stream = new ReadableStream({
    pull(controller) {
      if (sent > MAX_BODY) return controller.close();
      sent += chunk.length;
      controller.enqueue(chunk);
    },
  });
  const streamed = await post(stream);
  assert.equal(streamed.status, 413);
  assert.equal(streamed.json.error.code, 'payload-too-large');
  assert.equal(fake.requests.length, 0);
});

test('invalid JSON is 400 with the code, line and column', async () => {
  const r = await post(load('cases/auto/invalid-json.json'));
  assert.equal(r.status, 400);
  const expected = JSON.parse(load('cases/auto/invalid-json.report.json')).error;
  assert.deepEqual(r.json.error, expected);
  assert.equal(fake.requests.length, 0);
});

test('an unknown provider is 400 unknown-provider', async () => {
  const r = await post(load('cases/guardduty/eks-multi-container.json'), { provider: 'macie' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'unknown-provider');
  assert.match(r.json.error.message, /guardduty/);
});

test('a GuardDuty payload: 200, events at the ingest byte-identical to the golden lines', async () => {
  for (const [name, provider] of [
    ['cases/guardduty/eks-multi-container', 'guardduty'],
    ['samples/guardduty/guardduty-soar__Trojan-EC2-DropPoint', undefined],
  ]) {
    fake.reset();
    const r = await post(load(`${name}.json`), { provider });
    assert.equal(r.status, 200, r.text);
    const lines = golden(name);
    assert.deepEqual(r.json.events, { mapped: lines.length, sent: lines.length, deadLettered: 0 });
    assert.deepEqual(r.json.records, { total: 1, mapped: 1, skipped: 0, rejected: 0 });
    assert.equal(fake.bodies.length, 1);
    assert.equal(fake.bodies[0], `[${lines.join(',')}]`);
  }
});

test('rejected records: 207 with each rejection, the good events still sent', async () => {
  const name = 'cases/guardduty/bad-records-in-batch';
  const r = await post(load(`${name}.json`), { provider: 'guardduty' });
  assert.equal(r.status, 207, r.text);
  assert.deepEqual(r.json.records, { total: 5, mapped: 2, skipped: 0, rejected: 3 });
  const report = JSON.parse(load(`${name}.report.json`));
  const expected = report.outcomes.filter((o) => o.outcome === 'rejected');
  assert.deepEqual(
    r.json.rejected.map((x) => x.error),
    expected.map((o) => o.error),
  );
  assert.equal(fake.bodies.join(''), `[${golden(name).join(',')}]`);
});

test('429, 503, 500, a reset and a timeout are retried: nothing lost, nothing duplicated', async () => {
  const name = 'cases/guardduty/resource-types';
  fake.setFaults([{ status: 429, retryAfter: 1 }, { status: 503 }, { reset: true }, { status: 500 }]);
  const r = await post(load(`${name}.json`), { provider: 'guardduty' });
  assert.equal(r.status, 200, r.text);
  const lines = golden(name);
  assert.equal(r.json.events.sent, lines.length);
  assert.equal(r.json.retried, 4);
  assert.deepEqual(fake.bodies, [`[${lines.join(',')}]`]);
  assert.deepEqual(
    fake.requests.map((q) => q.status),
    [429, 503, 0, 500, 202],
  );

  fake.reset();
  fake.setFaults([{ delayMs: 700 }]);
  const slow = await post(load(`${name}.json`), { provider: 'guardduty' });
  assert.equal(slow.status, 200, slow.text);
  assert.deepEqual(fake.bodies, [`[${lines.join(',')}]`]);
});

test('a permanent 401 from Dynatrace: 502, every event dead-lettered to R2 with the reason', async () => {
  const name = 'cases/guardduty/resource-types';
  fake.setFaults([{ status: 401 }]);
  const r = await post(load(`${name}.json`), { provider: 'guardduty' });
  assert.equal(r.status, 502, r.text);
  const lines = golden(name);
  assert.deepEqual(r.json.events, { mapped: lines.length, sent: 0, deadLettered: lines.length });
  assert.equal(r.json.deadLetter.destination, 'r2');
  assert.equal(fake.events.length, 0);
  assert.equal(fake.requests.length, 1, '401 is not retried');

  const bucket = await worker.mf.getR2Bucket('DEAD_LETTER');
  const object = await bucket.get(r.json.deadLetter.key);
  const letters = (await object.text()).trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(
    letters.map((l) => JSON.stringify(l.event)),
    lines,
  );
  for (const l of letters) {
    assert.equal(l.reason.code, 'http-status');
    assert.equal(l.reason.status, 401);
    assert.match(l.reason.message, /401/);
  }
});

test('the token never appears in the Worker logs or responses', async () => {
  // Produce some log lines first: a retried and a failed delivery.
  fake.setFaults([{ status: 503 }, { status: 403 }]);
  const r = await post(load('cases/guardduty/s3-two-buckets.json'));
  assert.equal(r.status, 502);
  await new Promise((resolve) => setTimeout(resolve, 100)); // let workerd flush its output
  const logs = worker.logs();
  assert.match(logs, /secmap/, 'the Worker logged the failure');
  assert.ok(!logs.includes(TOKEN), 'token in the Worker logs');
  assert.ok(!logs.includes('WORKERTEST'), 'part of the token in the Worker logs');
  for (const text of seen) assert.ok(!text.includes(TOKEN), 'token in a response');
  assert.ok(!logs.includes(SECRET) && seen.every((t) => !t.includes(SECRET)), 'shared secret leaked');
});

test('without SECMAP_SHARED_SECRET the Worker refuses every request (fail closed)', async () => {
  const open = await startWorker({ bindings: { DT_INGEST_URL: fake.url, DT_API_TOKEN: TOKEN } });
  try {
    const res = await fetch(open.url, { method: 'POST', body: '{}', headers: { 'X-Secmap-Secret': '' } });
    assert.equal(res.status, 500);
    assert.equal((await res.json()).error.code, 'not-configured');
    assert.equal(fake.requests.length, 0);
  } finally {
    await open.dispose();
  }
});
