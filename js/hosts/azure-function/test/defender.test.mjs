// The Azure Function's registered Event Hubs handler, invoked with a real InvocationContext
// (test mode of @azure/functions) on Event Hubs-style batches, end to end against the fake
// Dynatrace ingest server.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import azure from '@azure/functions';
import { startFakeIngest } from '../../../test-support/fake-ingest.mjs';
import { TESTDATA } from '../../../test-support/corpus.mjs';

const { InvocationContext } = azure;
const TOKEN = 'dt0c01.AZURETEST.s3cr3t-t0ken-value';
const BATCH = 'cases/defender-for-cloud/event-hubs-batch';
const STRING_BODIES = 'cases/defender-for-cloud/event-hubs-string-bodies';

let fake;
let fn; // the module src/functions/defender.js
const logs = []; // every context log call of every invocation
const thrown = []; // every error message the handler threw

const read = (name) => readFileSync(`${TESTDATA}${name}`, 'utf8');
const golden = (name) => read(`${name}.events.ndjson`).split('\n').filter(Boolean);
const body = (name) => `[${golden(name).join(',')}]`;

function context(retryContext, count = 0) {
  return new InvocationContext({
    invocationId: `inv-${logs.length}`,
    functionName: 'secmapDefender',
    logHandler: (level, ...args) => logs.push({ level, args }),
    retryContext,
    triggerMetadata: {
      partitionContext: { partitionId: '3', eventHubName: 'defender-export' },
      sequenceNumberArray: Array.from({ length: count }, (_, i) => 1000 + i),
      offsetArray: Array.from({ length: count }, (_, i) => String(4096 * i)),
      enqueuedTimeUtcArray: Array.from({ length: count }, () => '2026-11-23T10:00:00.000Z'),
    },
    options: { extraOutputs: [fn.deadLetterOutput] },
  });
}

async function invoke(messages, retryContext) {
  const ctx = context(retryContext, messages.length);
  try {
    const summary = await fn.defenderFunction.handler(messages, ctx);
    return { ctx, summary };
  } catch (e) {
    thrown.push(String(e?.message), String(e?.stack));
    throw Object.assign(e, { ctx });
  }
}

const deadLetters = (ctx) => {
  const v = ctx.extraOutputs.get(fn.deadLetterOutput);
  return v === undefined ? undefined : v.trim().split('\n').map((l) => JSON.parse(l));
};

/** The Event Hubs batch as the Node worker may hand it over: strings, bytes, parsed JSON. */
function mixedBatch() {
  const bodies = JSON.parse(read(`${BATCH}.json`)); // strings, and one already-parsed object
  return bodies.map((b, i) => (i === 1 ? Buffer.from(b) : i === 3 ? JSON.parse(b) : b));
}

before(async () => {
  fake = await startFakeIngest({ token: TOKEN });
  Object.assign(process.env, {
    DT_INGEST_URL: fake.url,
    DT_API_TOKEN: TOKEN,
    SECMAP_EVENTHUB_NAME: 'defender-export',
    SECMAP_BASE_DELAY_MS: '1',
    SECMAP_MAX_DELAY_MS: '20',
    SECMAP_TIMEOUT_MS: '400',
    SECMAP_MAX_ATTEMPTS: '5',
  });
  fn = await import('../src/functions/defender.js');
});

after(() => fake?.close());
beforeEach(() => fake.reset());

test('registration: Event Hubs trigger, cardinality many, dead-letter blob output, retry policy', () => {
  const f = fn.defenderFunction;
  assert.equal(f.cardinality, 'many');
  assert.equal(f.dataType, 'binary', 'bodies as bytes, never parsed by the worker');
  assert.equal(f.connection, 'EVENTHUB_CONNECTION');
  assert.equal(f.eventHubName, '%SECMAP_EVENTHUB_NAME%');
  assert.deepEqual(f.extraOutputs, [fn.deadLetterOutput]);
  assert.equal(fn.deadLetterOutput.type, 'blob');
  assert.match(fn.deadLetterOutput.path, /^secmap-dead-letter\/.*\{rand-guid\}/);
  assert.equal(f.retry.strategy, 'exponentialBackoff');
  assert.equal(f.retry.maxRetryCount, 5);
});

test('a batch of strings, bytes and parsed bodies: every event arrives exactly as transform made it', async () => {
  const { ctx, summary } = await invoke(mixedBatch(), { retryCount: 0, maxRetryCount: 5 });
  assert.deepEqual(fake.bodies, [body(BATCH)]);
  assert.deepEqual(summary.records, { messages: 4, mapped: 2, skipped: 2, rejected: 0 });
  assert.deepEqual(summary.events, { mapped: 3, sent: 3, deadLettered: 0 });
  assert.equal(deadLetters(ctx), undefined, 'nothing dead-lettered');
});

test('a batch as the binary trigger hands it over (Buffers): the golden request body, byte for byte', async () => {
  const buffers = JSON.parse(read(`${BATCH}.json`)).map((b) => Buffer.from(typeof b === 'string' ? b : JSON.stringify(b)));
  const { ctx, summary } = await invoke(buffers, { retryCount: 0, maxRetryCount: 5 });
  assert.deepEqual(fake.bodies, [body(BATCH)]);
  assert.deepEqual(summary.events, { mapped: 3, sent: 3, deadLettered: 0 });
  assert.equal(deadLetters(ctx), undefined);
});

test('429, 503, a reset and a timeout are retried by the forwarder: nothing lost', async () => {
  fake.setFaults([{ status: 429, retryAfter: 1 }, { status: 503 }, { reset: true }, { delayMs: 600 }]);
  const { ctx, summary } = await invoke(mixedBatch(), { retryCount: 0, maxRetryCount: 5 });
  assert.deepEqual(fake.bodies, [body(BATCH)]);
  assert.equal(summary.events.sent, 3);
  assert.equal(summary.retried, 4);
  assert.equal(deadLetters(ctx), undefined);
});

test('a permanent 401: the handler throws while retries remain (the runtime re-runs the batch)', async () => {
  fake.setFaults([{ status: 401 }]);
  await assert.rejects(invoke(mixedBatch(), { retryCount: 2, maxRetryCount: 5 }), (e) => {
    assert.match(e.message, /not fully delivered \(attempt 3 of 6\).*401/);
    // The runtime discards the outputs of a failed invocation, so none are set.
    assert.equal(deadLetters(e.ctx), undefined);
    return true;
  });
  assert.equal(fake.requests.length, 1, '401 is not retried by the forwarder');
  assert.equal(fake.events.length, 0);
});

test('a permanent 401 on the last attempt: every event dead-lettered through the output binding, with the reason', async () => {
  for (const retryContext of [{ retryCount: 5, maxRetryCount: 5 }, undefined]) {
    fake.reset();
    fake.setFaults([{ status: 401 }]);
    const { ctx, summary } = await invoke(mixedBatch(), retryContext);
    assert.deepEqual(summary.events, { mapped: 3, sent: 0, deadLettered: 3 });
    const letters = deadLetters(ctx);
    assert.equal(letters.length, 3);
    assert.deepEqual(
      letters.map((l) => JSON.stringify(l.event)),
      golden(BATCH),
    );
    for (const l of letters) {
      assert.equal(l.kind, 'undelivered-event');
      assert.equal(l.reason.code, 'http-status');
      assert.equal(l.reason.status, 401);
      assert.match(l.reason.message, /401/);
      assert.equal(l.functionName, 'secmapDefender');
    }
    assert.ok(logs.some((l) => l.level === 'error' && /3 dead letters written to the blob output/.test(l.args.join(' '))));
  }
});

test('rejected records go to the dead-letter output with the reason and the message; the rest is delivered', async () => {
  const bodies = JSON.parse(read(`${STRING_BODIES}.json`));
  const notUtf8 = Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x7d]); // {"é"} in Latin-1
  const { ctx, summary } = await invoke([...bodies, notUtf8], { retryCount: 0, maxRetryCount: 5 });
  assert.deepEqual(fake.bodies, [body(STRING_BODIES)]);
  assert.deepEqual(summary.records, { messages: 8, mapped: 4, skipped: 0, rejected: 5 });
  const letters = deadLetters(ctx);
  const expected = JSON.parse(read(`${STRING_BODIES}.report.json`)).outcomes.filter((o) => o.outcome === 'rejected');
  assert.equal(letters.length, expected.length + 1);
  assert.ok(letters.every((l) => l.kind === 'rejected-record'));
  assert.deepEqual(
    letters.slice(0, -1).map((l) => l.reason),
    expected.map((o) => o.error),
  );
  assert.deepEqual(
    letters.slice(0, -1).map((l) => l.message.body),
    [3, 4, 5, 6].map((i) => bodies[i]),
  );
  assert.deepEqual(letters[0].message, {
    index: 3,
    partitionId: '3',
    sequenceNumber: 1003,
    offset: String(4096 * 3),
    enqueuedTimeUtc: '2026-11-23T10:00:00.000Z',
    body: bodies[3],
  });
  const last = letters.at(-1);
  assert.equal(last.reason.code, 'invalid-utf8');
  assert.equal(Buffer.from(last.message.bodyBase64, 'base64').compare(notUtf8), 0);
});

test('a configuration error (no token) throws while retries remain, then dead-letters the raw messages', async () => {
  const saved = process.env.DT_API_TOKEN;
  delete process.env.DT_API_TOKEN;
  try {
    await assert.rejects(invoke(mixedBatch(), { retryCount: 0, maxRetryCount: 1 }), /DT_API_TOKEN is required/);
    const { ctx } = await invoke(mixedBatch(), { retryCount: 1, maxRetryCount: 1 });
    const letters = deadLetters(ctx);
    assert.equal(letters.length, 4);
    assert.ok(letters.every((l) => l.kind === 'unprocessed-message' && l.reason.code === 'configuration'));
    assert.equal(fake.requests.length, 0);
  } finally {
    process.env.DT_API_TOKEN = saved;
  }
});

test('an unresolved Key Vault reference is a configuration error naming the setting, never sent', async () => {
  const saved = process.env.DT_API_TOKEN;
  process.env.DT_API_TOKEN = '@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/dt-api-token/)';
  try {
    await assert.rejects(
      invoke(mixedBatch(), { retryCount: 0, maxRetryCount: 1 }),
      /DT_API_TOKEN is an unresolved Key Vault reference/,
    );
    assert.equal(fake.requests.length, 0);
  } finally {
    process.env.DT_API_TOKEN = saved;
  }
});

test('the default provider is auto: the hub carries findings and alerts alike', async () => {
  const { DEFAULT_PROVIDER } = await import('../src/handler.js');
  assert.equal(DEFAULT_PROVIDER, 'auto');
});

test('the token never appears in any context log call or thrown error', () => {
  assert.ok(logs.length > 10, 'the handler logged');
  assert.ok(logs.some((l) => /secmap\/forward:.*retrying/.test(l.args.join(' '))), 'forwarder lines go to the context');
  for (const { args } of logs) {
    const text = args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
    assert.ok(!text.includes(TOKEN) && !text.includes('AZURETEST'), `token in a log line: ${text.slice(0, 80)}`);
  }
  assert.ok(thrown.length > 0);
  for (const t of thrown) assert.ok(!t.includes(TOKEN));
});
