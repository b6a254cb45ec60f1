// The Lambda handler on GuardDuty EventBridge events, end to end against the fake Dynatrace
// ingest server: golden events, retried faults, failures that throw, the token kept secret.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { startFakeIngest } from '../../../test-support/fake-ingest.mjs';
import { TESTDATA } from '../../../test-support/corpus.mjs';
import { handler, createHandler } from '../src/index.js';

const TOKEN = 'dt0c01.LAMBDATEST.s3cr3t-t0ken-value';
const SAMPLES = 'samples/guardduty';
const EKS = 'cases/guardduty/eks-multi-container';

let fake;
const output = []; // everything written to the console, and thrown
const originalConsole = {};

const read = (name) => readFileSync(`${TESTDATA}${name}`, 'utf8');
const golden = (name) => read(`${name}.events.ndjson`).split('\n').filter(Boolean);
const event = (name) => JSON.parse(read(`${name}.json`));

const settings = (ingestUrl) => ({
  DT_INGEST_URL: ingestUrl,
  SECMAP_BASE_DELAY_MS: '1',
  SECMAP_MAX_DELAY_MS: '20',
  SECMAP_TIMEOUT_MS: '400',
  SECMAP_MAX_ATTEMPTS: '5',
});

async function call(fn, payload) {
  try {
    return await fn(payload);
  } catch (e) {
    output.push(String(e?.name), String(e?.message), String(e?.stack));
    throw e;
  }
}

before(async () => {
  fake = await startFakeIngest({ token: TOKEN });
  Object.assign(process.env, settings(fake.url), { DT_API_TOKEN: TOKEN });
  for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
    originalConsole[level] = console[level];
    console[level] = (...args) => output.push(args.map(String).join(' '));
  }
});

after(async () => {
  Object.assign(console, originalConsole);
  await fake?.close();
});

beforeEach(() => fake.reset());

test('every GuardDuty EventBridge sample: the events arrive exactly as in the golden files', async () => {
  const names = readdirSync(`${TESTDATA}${SAMPLES}`)
    .filter((f) => f.endsWith('.report.json'))
    .map((f) => `${SAMPLES}/${f.slice(0, -'.report.json'.length)}`)
    .filter((name) => !JSON.parse(read(`${name}.report.json`)).error); // not JSON: never delivered
  assert.ok(names.length >= 25);
  let mapped = 0;
  for (const name of names) {
    fake.reset();
    const summary = await call(handler, event(name));
    const lines = golden(name);
    assert.deepEqual(summary.events, { mapped: lines.length, sent: lines.length, deadLettered: 0 }, name);
    assert.deepEqual(fake.bodies, lines.length ? [`[${lines.join(',')}]`] : [], name);
    mapped += lines.length;
  }
  assert.ok(mapped >= 20);
});

test('an EKS finding with two containers: two events, one request', async () => {
  const summary = await call(handler, event(EKS));
  assert.deepEqual(summary.records, { total: 1, mapped: 1, skipped: 0, rejected: 0 });
  assert.deepEqual(fake.bodies, [`[${golden(EKS).join(',')}]`]);
});

test('429, 500, a reset and a timeout are retried: nothing lost, nothing duplicated', async () => {
  fake.setFaults([{ status: 429, retryAfter: 1 }, { status: 500 }, { reset: true }, { delayMs: 600 }]);
  const summary = await call(handler, event(EKS));
  assert.equal(summary.retried, 4);
  assert.deepEqual(fake.bodies, [`[${golden(EKS).join(',')}]`]);
  assert.deepEqual(
    fake.requests.map((r) => r.status),
    [429, 500, 0, 0, 202],
  );
});

test('a permanent 401: the invocation fails (async retry, then the on-failure destination)', async () => {
  fake.setFaults([{ status: 401 }]);
  await assert.rejects(call(handler, event(EKS)), (e) => {
    assert.equal(e.name, 'SecmapDeliveryError');
    assert.match(e.message, /2 of 2 events not delivered \(401 Unauthorized/);
    assert.match(e.message, new RegExp(event(EKS).id));
    return true;
  });
  assert.equal(fake.requests.length, 1);
  assert.equal(fake.events.length, 0);
});

test('retries exhausted on 503: the invocation fails', async () => {
  fake.setFaults(Array.from({ length: 5 }, () => ({ status: 503 })));
  await assert.rejects(call(handler, event(EKS)), /gave up after 5 attempts: 503/);
  assert.equal(fake.requests.length, 5);
});

test('a rejected record fails the invocation; a payload that fails as a whole too', async () => {
  const broken = event(EKS);
  delete broken.detail.type;
  await assert.rejects(call(handler, broken), (e) => {
    assert.equal(e.name, 'SecmapRejectedRecord');
    assert.match(e.message, /1 records rejected \(record 0 missing-field at \/detail\/type/);
    return true;
  });
  await assert.rejects(call(createHandler({ env: { ...process.env, SECMAP_PROVIDER: 'macie' } }), event(EKS)), (e) => {
    assert.equal(e.name, 'SecmapError');
    assert.equal(e.code, 'unknown-provider');
    return true;
  });
  assert.equal(fake.requests.length, 0);
});

test('a GuardDuty event that is not a finding is skipped, not failed', async () => {
  const archived = `${SAMPLES}/aws-samples-automated-response__iam`;
  const summary = await call(handler, event(archived));
  assert.deepEqual(summary.records, { total: 1, mapped: 0, skipped: 1, rejected: 0 });
  assert.equal(fake.requests.length, 0);
});

test('the token from Secrets Manager: fetched once, cached, fetched again after a 401', async () => {
  const calls = [];
  const logger = { info: () => {}, warn: () => {}, error: (m) => output.push(m) };
  const fn = createHandler({
    env: { ...settings(fake.url), DT_API_TOKEN_SECRET_ID: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:dt' },
    secrets: async (ref) => {
      calls.push(ref);
      return JSON.stringify({ DT_API_TOKEN: TOKEN });
    },
    logger,
  });
  await call(fn, event(EKS));
  await call(fn, event(EKS));
  assert.equal(calls.length, 1);
  assert.deepEqual(calls[0], { secretId: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:dt', parameterName: undefined });
  fake.setFaults([{ status: 401 }]);
  await assert.rejects(call(fn, event(EKS)));
  await call(fn, event(EKS));
  assert.equal(calls.length, 2, 'a 401 drops the cached token');
  assert.equal(fake.events.length, 6);

  const empty = createHandler({ env: { ...settings(fake.url), DT_API_TOKEN_PARAMETER: '/dt/token' }, secrets: async () => '', logger });
  await assert.rejects(call(empty, event(EKS)), /the secret that DT_API_TOKEN_PARAMETER names holds no token/);
});

test('a missing token is a configuration error naming the setting', async () => {
  const fn = createHandler({ env: settings(fake.url), logger: { info() {}, warn() {}, error() {} } });
  await assert.rejects(call(fn, event(EKS)), (e) => {
    assert.equal(e.name, 'SecmapConfigurationError');
    assert.match(e.message, /DT_API_TOKEN is required/);
    return true;
  });
});

test('the token never appears in the logs or errors', () => {
  assert.ok(output.some((l) => /secmap\/forward:.*retrying/.test(l)), 'the forwarder logged to the console');
  assert.ok(output.some((l) => /not delivered/.test(l)));
  for (const line of output) {
    assert.ok(!line.includes(TOKEN) && !line.includes('LAMBDATEST'), `token in: ${line.slice(0, 100)}`);
  }
});
