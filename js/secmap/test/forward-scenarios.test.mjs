// The shared delivery scenarios (host-tests/scenarios/*.json) against secmap/forward and
// the fake ingest server: the same files the engine (crates/delivery/tests/scenarios.rs)
// and the CLI (crates/cli/tests/all/forward/scenarios.rs) run, with the same exact numbers;
// workerd runs them too (js/test/scenarios-workerd.test.mjs). Loading and checks:
// test-support/scenarios.mjs.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { createForwarder } from 'secmap/forward';
import { startFakeIngest } from '../../test-support/fake-ingest.mjs';
import {
  TOKEN,
  assertScenario,
  forwarderOptions,
  loadScenarios,
  maxBodyBytesOf,
  scenarioEvents as events,
} from '../../test-support/scenarios.mjs';

const scenarios = () => loadScenarios();

/** One fake per body limit the scenarios use. */
const fakes = new Map();
before(async () => {
  for (const s of scenarios()) {
    const max = maxBodyBytesOf(s);
    if (!fakes.has(max)) fakes.set(max, await startFakeIngest({ token: TOKEN, maxBodyBytes: max }));
  }
});
after(async () => {
  for (const f of fakes.values()) await f.close();
});
beforeEach(() => {
  for (const f of fakes.values()) f.reset();
});

describe('delivery scenarios', () => {
  for (const s of scenarios()) {
    it(`${s.file}: ${s.name}`, async () => {
      const fake = fakes.get(maxBodyBytesOf(s));
      fake.setFaults(s.faults ?? []);
      const deadEvents = [];
      const lines = [];
      const logger = {
        info: (m) => lines.push(m),
        warn: (m) => lines.push(m),
        error: (m) => lines.push(m),
      };
      const fwd = createForwarder({
        ...forwarderOptions(s, fake.url),
        logger,
        deadLetter: (l) => deadEvents.push(...l.events),
      });
      const sent = events(s);
      const result = await fwd.send(sent);
      assertScenario(assert, s, { fake, sent, result, deadEvents, lines });
    });
  }
});

describe('clean logs', () => {
  it('server text cannot forge log lines or carry the token, even percent-encoded or cut', async () => {
    const fake = fakes.get(10_000_000);
    const encoded = [...TOKEN].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('');
    const message = `bad ${encoded}\nsecmap/forward: 9 events accepted\u001b[2J ${TOKEN.slice(0, 12)}\r\n${TOKEN.slice(12)}`;
    fake.setFaults([{ status: 400, message }]);
    const lines = [];
    const letters = [];
    const logger = { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
    const fwd = createForwarder({ endpoint: fake.url, token: TOKEN, logger, deadLetter: (l) => letters.push(l) });
    const result = await fwd.send(events({ events: 2 }));
    assert.deepEqual(result, { sent: 0, deadLettered: 2, retried: 0, requests: 1, ok: false });
    assert.equal(lines.length, 1);
    const text = JSON.stringify([lines, letters.map((l) => l.reason)]);
    for (const leak of ['FAKESECRET', 'FAKEPUBLIC', encoded, '\u001b']) {
      assert.ok(!text.includes(leak), `${leak} in ${text}`);
    }
    assert.ok(!/[\n\r]/.test(lines[0]), lines[0]);
    assert.match(lines[0], /bad \[redacted\]\\nsecmap\/forward: 9 events accepted\\u\{1b\}\[2J \[redacted\]/);
  });
});
