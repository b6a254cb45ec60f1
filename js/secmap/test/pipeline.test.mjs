// secmap/pipeline: mapping a payload (a whole-payload failure as a value), counting and
// naming outcomes, and forwarding one or several outputs against the fake ingest server.
// The hosts' own tests check how each one wires these steps to its trigger.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { SecmapError, providers, transform } from 'secmap';
import * as pipeline from 'secmap/pipeline';
import {
  NOTHING_SENT,
  countOutcomes,
  describeRejection,
  failureReason,
  forwardOutputs,
  mapAndForward,
  mapPayload,
} from 'secmap/pipeline';
import { startFakeIngest } from '../../test-support/fake-ingest.mjs';

const TOKEN = 'dt0c01.PIPELINE.TEST';
const FAST = { baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 2_000, maxAttempts: 2 };
const QUIET = { info() {}, warn() {}, error() {} };

/** GuardDuty's first bundled example: one finding, one event. */
const finding = () => providers().find((p) => p.id === 'guardduty').examples[0].payload;
/** A batch of the finding, a number (rejected) and the finding again. */
const batch = () => `[${finding()}, 5, ${finding()}]`;

let fake;
before(async () => {
  fake = await startFakeIngest({ token: TOKEN });
});
after(async () => {
  await fake?.close();
});
beforeEach(() => fake.reset());

const forwarderOptions = (extra = {}) => ({ endpoint: fake.url, token: TOKEN, ...FAST, logger: QUIET, ...extra });

describe('secmap/pipeline', () => {
  it('exports exactly the pipeline steps', () => {
    assert.deepEqual(Object.keys(pipeline).sort(), [
      'NOTHING_SENT',
      'countOutcomes',
      'describeRejection',
      'failureReason',
      'forwardOutputs',
      'mapAndForward',
      'mapPayload',
    ]);
    assert.ok(Object.isFrozen(NOTHING_SENT));
    assert.deepEqual(NOTHING_SENT, { sent: 0, deadLettered: 0, retried: 0, requests: 0, ok: true });
  });

  it('countOutcomes counts by kind, and adds to a running count', () => {
    const outcomes = transform('auto', batch()).outcomes;
    assert.deepEqual(countOutcomes(outcomes), { total: 3, mapped: 2, skipped: 0, rejected: 1 });
    const running = countOutcomes(outcomes);
    assert.equal(countOutcomes(outcomes, running), running);
    assert.deepEqual(running, { total: 6, mapped: 4, skipped: 0, rejected: 2 });
    assert.deepEqual(countOutcomes([]), { total: 0, mapped: 0, skipped: 0, rejected: 0 });
  });

  it('describeRejection names the record, the code, where, and why', () => {
    const [rejected] = transform('auto', batch()).outcomes.filter((o) => o.outcome === 'rejected');
    assert.equal(
      describeRejection(rejected),
      'record 1 unrecognized-record at /1: expected a record (a JSON object) or a string holding one, found a number',
    );
    // The record's pointer when the error has none.
    const { error, ...rest } = rejected;
    const { pointer: _, ...unlocated } = error;
    assert.match(describeRejection({ ...rest, error: unlocated }), /^record 1 unrecognized-record at \/1: /);
  });

  it('mapPayload: an output with its counts and rejected records', () => {
    const mapped = mapPayload('auto', batch());
    assert.equal(mapped.provider, 'auto');
    assert.equal(mapped.failure, undefined);
    assert.equal(mapped.output.eventCount, 2);
    assert.deepEqual(mapped.records, { total: 3, mapped: 2, skipped: 0, rejected: 1 });
    assert.deepEqual(
      mapped.rejected.map((o) => [o.index, o.pointer, o.error.code]),
      [[1, '/1', 'unrecognized-record']],
    );
    // Options go through to transform.
    const off = mapPayload('guardduty', finding(), { originalContent: false });
    assert.equal(off.output.events[0]['event.original_content'], undefined);
  });

  it('mapPayload: a payload that fails as a whole is a value, with whether a retry can cure it', () => {
    const notJson = mapPayload('auto', '{\n  "a": tru\n}');
    assert.equal(notJson.output, undefined);
    assert.ok(notJson.failure.error instanceof SecmapError);
    assert.deepEqual(notJson.failure.reason, {
      code: 'invalid-json',
      category: 'input',
      message: notJson.failure.error.detail,
      line: 2,
      column: 11,
    });
    assert.equal(notJson.failure.retryable, false);
    assert.deepEqual(notJson.records, { total: 0, mapped: 0, skipped: 0, rejected: 0 });
    assert.deepEqual(notJson.rejected, []);

    const limit = mapPayload('auto', '[{}, {}]', { limits: { maxRecords: 1 } });
    assert.equal(limit.failure.reason.category, 'limit');
    assert.equal(limit.failure.reason.limit, 'maxRecords');
    assert.equal(limit.failure.retryable, false);

    // The provider and options come from a host's settings: fixing them cures these.
    const unknown = mapPayload('macie', finding());
    assert.equal(unknown.failure.reason.code, 'unknown-provider');
    assert.equal(unknown.failure.retryable, true);
    const badOptions = mapPayload('auto', finding(), { originalContentMaxBytes: -1 });
    assert.equal(badOptions.failure.reason.code, 'invalid-options');
    assert.equal(badOptions.failure.retryable, true);
  });

  it('mapPayload throws what is not a SecmapError', () => {
    assert.throws(() => mapPayload('auto', 42), TypeError);
  });

  it('failureReason is the error without the code and location its message repeats', () => {
    let error;
    try {
      transform('auto', '{"a": tru}');
    } catch (e) {
      error = e;
    }
    const reason = failureReason(error);
    assert.equal(reason.message, error.detail);
    assert.ok(error.message.startsWith(`invalid-json: ${error.detail}`));
    assert.deepEqual(Object.keys(reason), ['code', 'category', 'message', 'line', 'column']);
  });

  it('forwardOutputs: no events, no forwarder and no request', async () => {
    const empty = transform('auto', '[5]');
    assert.equal(empty.eventCount, 0);
    // Options that createForwarder would refuse: never read without events.
    const out = await forwardOutputs([empty, empty], {});
    assert.deepEqual(out, { result: NOTHING_SENT, letters: [] });
    assert.notEqual(out.result, NOTHING_SENT, 'a copy: a host may change its result');
    assert.equal(fake.requests.length, 0);
  });

  it('forwardOutputs: several outputs in one send, byte for byte', async () => {
    const a = transform('auto', batch());
    const none = transform('auto', '[5]');
    const b = transform('guardduty', finding());
    const { result, letters } = await forwardOutputs([a, none, b], forwarderOptions());
    assert.deepEqual(result, { sent: 3, deadLettered: 0, retried: 0, requests: 1, ok: true });
    assert.deepEqual(letters, []);
    assert.equal(fake.requests.length, 1);
    const joined = (o) => o.body.slice(1, -1);
    assert.equal(fake.bodies[0], `[${joined(a)},${joined(b)}]`);
    // One output alone is sent as it is.
    fake.reset();
    await forwardOutputs(b, forwarderOptions());
    assert.deepEqual(fake.bodies, [b.body]);
  });

  it("forwardOutputs: collects every dead letter and hands each to the host's callback too", async () => {
    fake.setFaults([{ status: 400 }]);
    const a = transform('auto', batch());
    const b = transform('guardduty', finding());
    const seen = [];
    const { result, letters } = await forwardOutputs(
      [a, b],
      forwarderOptions({ maxBatchEvents: 2, deadLetter: (l) => seen.push(l) }),
    );
    // 400 fails its own batch only (the first two events); the third is sent.
    assert.equal(result.ok, false);
    assert.equal(result.deadLettered, 2);
    assert.equal(result.sent, 1);
    assert.equal(letters.length, 1);
    assert.equal(seen.length, 1);
    assert.equal(seen[0], letters[0]);
    assert.equal(letters[0].first, 0);
    assert.equal(letters[0].events.length, 2);
    assert.equal(letters[0].reason.status, 400);
  });

  it('mapAndForward: maps, sends, and reports the counts every host reports', async () => {
    const run = await mapAndForward({ provider: 'auto', payload: batch(), forwarderOptions: forwarderOptions() });
    assert.equal(run.failure, undefined);
    assert.deepEqual(run.records, { total: 3, mapped: 2, skipped: 0, rejected: 1 });
    assert.deepEqual(run.events, { mapped: 2, sent: 2, deadLettered: 0 });
    assert.equal(run.result.requests, 1);
    assert.deepEqual(run.letters, []);
    assert.equal(run.rejected.length, 1);
    assert.equal(fake.bodies[0], run.output.body);
  });

  it('mapAndForward: a whole-payload failure sends nothing', async () => {
    const run = await mapAndForward({ provider: 'auto', payload: '', forwarderOptions: forwarderOptions() });
    assert.equal(run.failure.reason.code, 'empty-payload');
    assert.deepEqual(run.events, { mapped: 0, sent: 0, deadLettered: 0 });
    assert.deepEqual(run.result, NOTHING_SENT);
    assert.equal(fake.requests.length, 0);
  });
});
