// The hand-written peer in the benchmark must be a faithful one: on the golden corpus of
// its two providers it produces secmap's events field by field (the expected
// `.events.ndjson`, written by the native core), except for the differences README.md
// lists, which are skipped here by name with their reason.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { expectedEventLines, expectedReport, inputBytes, loadManifest } from '../../test-support/corpus.mjs';
import { uuidv5, utc } from './common.js';
import { transform } from './index.js';

const PROVIDERS = ['guardduty', 'defender-for-cloud'];
/** Options the hand-written mapper implements; cases with others are skipped. */
const MODELLED = new Set(['originalContent', 'reportUnmapped', 'skipSampleFindings']);
/** Cases whose expected events the hand-written mapper does not reproduce, and why. */
const KNOWN = {
  'cases/guardduty/bad-records-in-batch':
    'a duplicate `severity` key: JSON.parse keeps the last value, secmap rejects the record',
  'cases/defender-for-cloud/arg-time-fallbacks':
    'an unreadable properties.timeGenerated: the hand-written mapper falls back to the top-level time, secmap rejects the record',
  'cases/guardduty/fan-out-output-budget':
    'the per-record output budget (warning fields-shared) is not modelled: the peer keeps every description and title whole',
  'samples/defender-for-cloud/rest-example-GetSubAssessment-qualys-older-variant-imageName-threat':
    'an Azure REST API specification example (responses/200/body): documentation, not what a forwarder receives; secmap reads the body, the peer does not',
  'samples/defender-for-cloud/rest-example-ListSubscriptionSubAssessments-qualys-ContainerRegistryVulnerability':
    'an Azure REST API specification example (responses/200/body): documentation, not what a forwarder receives; secmap reads the body, the peer does not',
};
/** Field by field; `event.original_content` as JSON (JSON.stringify writes `2.0` as `2`). */
function assertSameEvent(got, want, where) {
  assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort(), `${where}: fields`);
  for (const key of Object.keys(want)) {
    if (key === 'event.original_content') {
      assert.deepEqual(JSON.parse(got[key]), JSON.parse(want[key]), `${where}: ${key}`);
    } else {
      assert.deepEqual(got[key], want[key], `${where}: ${key}`);
    }
  }
}

describe('hand-written mapper vs the golden events', () => {
  for (const c of loadManifest().filter((c) => PROVIDERS.includes(c.provider))) {
    const report = expectedReport(c);
    const unmodelled = Object.keys(c.options).filter((k) => !MODELLED.has(k));
    const skip = KNOWN[c.name] ?? (unmodelled.length ? `options not modelled: ${unmodelled.join(', ')}` : false);
    it(c.name, { skip }, () => {
      if (report.error) {
        // A payload secmap refuses as a whole: JSON.parse refuses it too.
        assert.throws(() => transform(c.provider, inputBytes(c), c.options));
        return;
      }
      const out = transform(c.provider, inputBytes(c), c.options);
      const got = JSON.parse(out.body);
      const want = expectedEventLines(c).map((l) => JSON.parse(l));
      assert.equal(out.events, got.length);
      assert.equal(got.length, want.length, 'event count');
      got.forEach((e, i) => assertSameEvent(e, want[i], `event ${i}`));
    });
  }
});

describe('hand-written helpers', () => {
  it('UUIDv5 ids are secmap’s (crates/core/src/ids.rs test vector)', () => {
    assert.equal(uuidv5(['x']), 'ab7a6b25-e2ca-5920-b11b-a6779f8dbab5');
    assert.notEqual(uuidv5(['a\u001fb', 'c']), uuidv5(['a', 'b\u001fc']));
  });

  it('timestamps: UTC, trailing fraction zeros trimmed, offsets converted', () => {
    assert.equal(utc('2026-11-20T13:24:02.0000000Z'), '2026-11-20T13:24:02Z');
    assert.equal(utc('2025-10-01T18:19:28.470Z'), '2025-10-01T18:19:28.47Z');
    assert.equal(utc('2026-07-22T18:47:17.120+02:00'), '2026-07-22T16:47:17.12Z');
    assert.equal(utc('2026-01-01T00:00:20Z'), '2026-01-01T00:00:20Z');
    assert.equal(utc(1663703546.405), '2022-09-20T19:52:26.405Z');
  });

  it('takes bytes, text and parsed payloads alike', () => {
    const c = loadManifest().find((x) => x.name === 'cases/guardduty/eks-multi-container');
    const bytes = inputBytes(c);
    const text = new TextDecoder().decode(bytes);
    const a = transform('guardduty', bytes).body;
    assert.equal(transform('guardduty', text).body, a);
    assert.equal(transform('guardduty', JSON.parse(text)).body, a);
  });
});
