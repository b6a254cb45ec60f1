// The shared delivery scenarios (host-tests/scenarios/*.json) through secmap/forward inside
// workerd (miniflare 4, 127.0.0.1): the same files and exact numbers as the engine's Rust
// runner, the CLI and Node (js/secmap/test/forward-scenarios.test.mjs), here under the
// Worker runtime's fetch (redirect handling, resets, timeouts) against the fake ingest.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

import { startFakeIngest } from '../test-support/fake-ingest.mjs';
import {
  TOKEN,
  assertScenario,
  forwarderOptions,
  loadScenarios,
  maxBodyBytesOf,
  scenarioEvents,
} from '../test-support/scenarios.mjs';
import { startWorker } from '../hosts/cloudflare-worker/test-support/miniflare.mjs';

const SCRIPT = fileURLToPath(new URL('../hosts/cloudflare-worker/test-support/forward-worker.js', import.meta.url));
const scenarios = loadScenarios();
const fakes = new Map();
let worker;

before(async () => {
  for (const s of scenarios) {
    const max = maxBodyBytesOf(s);
    if (!fakes.has(max)) fakes.set(max, await startFakeIngest({ token: TOKEN, maxBodyBytes: max }));
  }
  worker = await startWorker({ script: SCRIPT });
});
after(async () => {
  await worker?.dispose();
  for (const f of fakes.values()) await f.close();
});
beforeEach(() => {
  for (const f of fakes.values()) f.reset();
});

describe('delivery scenarios in workerd', () => {
  for (const s of scenarios) {
    it(`${s.file}: ${s.name}`, async () => {
      const fake = fakes.get(maxBodyBytesOf(s));
      fake.setFaults(s.faults ?? []);
      const sent = scenarioEvents(s);
      const res = await fetch(worker.url, {
        method: 'POST',
        body: JSON.stringify({ options: forwarderOptions(s, fake.url), events: sent }),
      });
      assert.equal(res.status, 200, await res.clone().text());
      const { result, deadEvents, lines } = await res.json();
      assertScenario(assert, s, { fake, sent, result, deadEvents, lines });
    });
  }
});
