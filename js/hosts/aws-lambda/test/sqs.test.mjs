// The Lambda handler behind an SQS queue (partial batch failures), its deadline, its
// embedded-metric-format lines and the token key names, against the fake ingest server.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startFakeIngest } from '../../../test-support/fake-ingest.mjs';
import { TESTDATA } from '../../../test-support/corpus.mjs';
import { createHandler, tokenFromSecret, emfLine } from '../src/index.js';

const TOKEN = 'dt0c01.SQSTEST.s3cr3t-t0ken-value';
const EKS = 'cases/guardduty/eks-multi-container';
const read = (name) => readFileSync(`${TESTDATA}${name}`, 'utf8');
const golden = (name) => read(`${name}.events.ndjson`).split('\n').filter(Boolean);
const finding = () => JSON.parse(read(`${EKS}.json`));

let fake;
const logs = [];
const logger = { info: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(m) };

const env = () => ({
  DT_INGEST_URL: fake.url,
  DT_API_TOKEN: TOKEN,
  SECMAP_BASE_DELAY_MS: '1',
  SECMAP_MAX_DELAY_MS: '20',
  SECMAP_TIMEOUT_MS: '400',
  SECMAP_MAX_ATTEMPTS: '3',
});
const message = (id, body) => ({
  messageId: id,
  receiptHandle: `rh-${id}`,
  body: typeof body === 'string' ? body : JSON.stringify(body),
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:secmap-buffer',
  awsRegion: 'eu-west-1',
});
const context = (ms = 60_000) => {
  const end = Date.now() + ms;
  return { getRemainingTimeInMillis: () => end - Date.now() };
};

before(async () => {
  fake = await startFakeIngest({ token: TOKEN });
});
after(() => fake?.close());
beforeEach(() => {
  fake.reset();
  logs.length = 0;
});

test('an SQS batch: every message mapped and sent in one request, no failures reported', async () => {
  const metrics = [];
  const fn = createHandler({ env: env(), logger, metrics: (l) => metrics.push(JSON.parse(l)) });
  const out = await fn({ Records: [message('a', finding()), message('b', finding())] }, context());
  assert.deepEqual(out, { batchItemFailures: [] });
  const lines = golden(EKS);
  assert.deepEqual(fake.bodies, [`[${[...lines, ...lines].join(',')}]`]);
  assert.equal(metrics.length, 1);
  const m = metrics[0];
  assert.equal(m._aws.CloudWatchMetrics[0].Namespace, 'secmap');
  assert.deepEqual(m._aws.CloudWatchMetrics[0].Dimensions, [['Provider']]);
  assert.equal(m.Provider, 'guardduty');
  assert.equal(m.RecordsMapped, 2);
  assert.equal(m.EventsSent, 4);
  assert.equal(m.MessagesFailed, 0);
  for (const { Name, Unit } of m._aws.CloudWatchMetrics[0].Metrics) {
    assert.equal(Unit, 'Count');
    assert.equal(typeof m[Name], 'number', Name);
  }
});

test('a rejected record and a body that is not JSON fail only their own messages', async () => {
  const broken = finding();
  delete broken.detail.type;
  const fn = createHandler({ env: env(), logger, metrics: () => {} });
  const out = await fn({ Records: [message('ok', finding()), message('bad', broken), message('junk', '{not json')] }, context());
  assert.deepEqual(out.batchItemFailures.map((f) => f.itemIdentifier).sort(), ['bad', 'junk']);
  assert.deepEqual(fake.bodies, [`[${golden(EKS).join(',')}]`]);
});

test('undelivered events fail exactly the messages they came from', async () => {
  fake.setFaults([{ status: 401 }]);
  const fn = createHandler({ env: env(), logger, metrics: () => {} });
  const out = await fn({ Records: [message('a', finding()), message('b', finding())] }, context());
  assert.deepEqual(out.batchItemFailures.map((f) => f.itemIdentifier).sort(), ['a', 'b']);
  assert.ok(logs.some((l) => /4 events not delivered \(401/.test(l)));
});

test('a batch that fails traces its events to their messages by position, across message boundaries', async () => {
  // Each message maps to 2 events: a = 0..1, b = 2..3, c = 4..5.
  for (const [maxBatchEvents, faults, failed] of [
    ['2', [{ delayMs: 1 }, { status: 400 }], ['b']], // requests [0,1] [2,3]x [4,5]
    ['3', [{ status: 400 }], ['a', 'b']], // requests [0,1,2]x [3,4,5]
    ['4', [{ delayMs: 1 }, { status: 400 }], ['c']], // requests [0..3] [4,5]x
  ]) {
    fake.reset();
    fake.setFaults(faults);
    const fn = createHandler({ env: { ...env(), SECMAP_MAX_BATCH_EVENTS: maxBatchEvents }, logger, metrics: () => {} });
    const out = await fn({ Records: ['a', 'b', 'c'].map((id) => message(id, finding())) }, context());
    assert.deepEqual(out.batchItemFailures.map((f) => f.itemIdentifier).sort(), failed, `maxBatchEvents ${maxBatchEvents}`);
  }
});

test('near the deadline: nothing is started, every message goes back to the queue', async () => {
  const metrics = [];
  const fn = createHandler({ env: { ...env(), SECMAP_DEADLINE_RESERVE_MS: '5000' }, logger, metrics: (l) => metrics.push(JSON.parse(l)) });
  const out = await fn({ Records: [message('a', finding()), message('b', finding())] }, context(3000));
  assert.deepEqual(out.batchItemFailures.map((f) => f.itemIdentifier), ['a', 'b']);
  assert.equal(fake.requests.length, 0);
  assert.equal(metrics[0].DeadlineUnprocessed, 2);
  // An EventBridge invocation fails instead (async retry, then the on-failure destination).
  await assert.rejects(fn(finding(), context(3000)), { name: 'SecmapDeadlineError' });
});

test('the deadline bounds retries: a slow ingest dead-letters instead of timing the function out', async () => {
  fake.setFaults(Array.from({ length: 10 }, () => ({ delayMs: 2000 })));
  const fn = createHandler({
    env: { ...env(), SECMAP_TIMEOUT_MS: '30000', SECMAP_MAX_ATTEMPTS: '10', SECMAP_DEADLINE_RESERVE_MS: '500' },
    logger,
    metrics: () => {},
  });
  const started = Date.now();
  const out = await fn({ Records: [message('a', finding())] }, context(1500));
  assert.ok(Date.now() - started < 1500, `took ${Date.now() - started} ms`);
  assert.deepEqual(out.batchItemFailures, [{ itemIdentifier: 'a' }]);
});

test('the token under either JSON key: ours and Dynatrace forwarder\'s', async () => {
  assert.equal(tokenFromSecret(JSON.stringify({ DT_API_TOKEN: 'a' })), 'a');
  assert.equal(tokenFromSecret(JSON.stringify({ DYNATRACE_OPENPIPELINE_INGEST_API_TOKEN: 'b' })), 'b');
  assert.equal(tokenFromSecret(' c \n'), 'c');
  assert.equal(tokenFromSecret(JSON.stringify({ other: 'x' })), '');
  const { DT_API_TOKEN, ...rest } = env();
  const fn = createHandler({
    env: { ...rest, DT_API_TOKEN_SECRET_ID: 'dynatrace-guardduty' },
    secrets: async () => JSON.stringify({ DYNATRACE_OPENPIPELINE_INGEST_API_TOKEN: TOKEN }),
    logger,
    metrics: () => {},
  });
  const summary = await fn(finding(), context());
  assert.equal(summary.events.sent, 2);
  const none = createHandler({ env: { ...rest, DT_API_TOKEN_SECRET_ID: 's' }, secrets: async () => '{"x":"y"}', logger });
  await assert.rejects(none(finding(), context()), /DT_API_TOKEN_SECRET_ID names holds no token .*DYNATRACE_OPENPIPELINE_INGEST_API_TOKEN/);
});

test('EMF lines follow the specification (one directive, every metric a member)', () => {
  const line = JSON.parse(emfLine('ns', { Provider: 'guardduty' }, { A: 1, B: 0 }, 1700000000000));
  assert.deepEqual(line, {
    _aws: {
      Timestamp: 1700000000000,
      CloudWatchMetrics: [{ Namespace: 'ns', Dimensions: [['Provider']], Metrics: [{ Name: 'A', Unit: 'Count' }, { Name: 'B', Unit: 'Count' }] }],
    },
    Provider: 'guardduty',
    A: 1,
    B: 0,
  });
  for (const l of logs) assert.ok(!l.includes(TOKEN));
});
