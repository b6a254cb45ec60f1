// An oversized Event Hubs batch (docs/robustness.md): more events and more bytes than one
// ingest request may carry. The handler maps it in one call and the forwarder sends it in
// chunks, each within the ingest limits (bytes and event count), every event exactly once,
// in order, byte for byte as `transform` made it.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import azure from '@azure/functions';
import { transform } from 'secmap';
import { startFakeIngest } from '../../../test-support/fake-ingest.mjs';
import { TESTDATA } from '../../../test-support/corpus.mjs';

const { InvocationContext } = azure;
const TOKEN = 'dt0c01.AZUREBIG.s3cr3t-t0ken-value';
const INGEST_MAX_BYTES = 10_000_000; // Dynatrace's request limit, as the fake enforces it

let fake;
let fn;

/** `n` Defender findings, each on its own image: two events per message (finding, scan). */
function bigBatch(n) {
  const [template] = JSON.parse(readFileSync(`${TESTDATA}cases/defender-for-cloud/event-hubs-batch.json`, 'utf8'));
  const digest = '5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270';
  const sub = '8f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f';
  assert.ok(template.includes(digest) && template.includes(sub), 'the template changed');
  return Array.from({ length: n }, (_, i) => {
    const hex = i.toString(16).padStart(8, '0');
    return template.replaceAll(digest, digest.slice(0, 56) + hex).replaceAll(sub, `${sub.slice(0, 28)}${hex}`);
  });
}

function context(count) {
  return new InvocationContext({
    invocationId: `big-${count}`,
    functionName: 'secmapDefender',
    logHandler: () => {},
    retryContext: { retryCount: 0, maxRetryCount: 5 },
    triggerMetadata: {
      partitionContext: { partitionId: '0', eventHubName: 'defender-export' },
      sequenceNumberArray: Array.from({ length: count }, (_, i) => i),
      offsetArray: Array.from({ length: count }, (_, i) => String(i)),
      enqueuedTimeUtcArray: Array.from({ length: count }, () => '2026-11-23T10:00:00.000Z'),
    },
    options: { extraOutputs: [fn.deadLetterOutput] },
  });
}

/** Every request within the limits, all accepted, and together exactly `expected`. */
function assertChunked(expected, { maxBytes, maxEvents }) {
  assert.ok(fake.requests.length >= 2, `${fake.requests.length} request(s): not chunked`);
  for (const r of fake.requests) {
    assert.equal(r.status, 202, JSON.stringify(r));
    assert.ok(r.bytes <= maxBytes, `a request of ${r.bytes} bytes (limit ${maxBytes})`);
    assert.ok(r.eventCount <= maxEvents, `a request of ${r.eventCount} events (limit ${maxEvents})`);
  }
  const received = fake.bodies.flatMap((b) => JSON.parse(b).map((e) => JSON.stringify(e)));
  assert.equal(received.length, expected.length, 'events lost or duplicated');
  const differs = received.findIndex((e, i) => e !== expected[i]);
  assert.equal(differs, -1, `event ${differs} out of order or changed`);
}

before(async () => {
  fake = await startFakeIngest({ token: TOKEN, maxBodyBytes: INGEST_MAX_BYTES });
  Object.assign(process.env, {
    DT_INGEST_URL: fake.url,
    DT_API_TOKEN: TOKEN,
    SECMAP_EVENTHUB_NAME: 'defender-export',
    SECMAP_BASE_DELAY_MS: '1',
    SECMAP_MAX_DELAY_MS: '20',
    SECMAP_MAX_ATTEMPTS: '5',
  });
  fn = await import('../src/functions/defender.js');
});

after(() => fake?.close());
beforeEach(() => {
  fake.reset();
  delete process.env.SECMAP_MAX_BATCH_BYTES;
  delete process.env.SECMAP_MAX_BATCH_EVENTS;
});

test('a batch of 5,200 events and ~15 MB goes out in requests within 10 MB and 5,000 events', async () => {
  const messages = bigBatch(2600);
  const expected = transform('defender-for-cloud', messages, {}).events.map((e) => JSON.stringify(e));
  assert.equal(expected.length, 5200);
  const bytes = expected.reduce((n, e) => n + Buffer.byteLength(e) + 1, 1);
  assert.ok(bytes > INGEST_MAX_BYTES, `only ${bytes} bytes: not oversized`);

  const summary = await fn.defenderFunction.handler(messages, context(messages.length));
  assert.deepEqual(summary.events, { mapped: 5200, sent: 5200, deadLettered: 0 });
  assert.deepEqual(summary.records, { messages: 2600, mapped: 2600, skipped: 0, rejected: 0 });
  assertChunked(expected, { maxBytes: INGEST_MAX_BYTES, maxEvents: 5000 });
});

test('with smaller configured ingest limits, the same holds for every chunk', async () => {
  Object.assign(process.env, { SECMAP_MAX_BATCH_BYTES: '200000', SECMAP_MAX_BATCH_EVENTS: '50' });
  const messages = bigBatch(300);
  const expected = transform('defender-for-cloud', messages, {}).events.map((e) => JSON.stringify(e));
  const summary = await fn.defenderFunction.handler(messages, context(messages.length));
  assert.deepEqual(summary.events, { mapped: 600, sent: 600, deadLettered: 0 });
  assertChunked(expected, { maxBytes: 200000, maxEvents: 50 });
  assert.ok(fake.requests.length >= 12, `${fake.requests.length} requests for 600 events of at most 50`);
});
