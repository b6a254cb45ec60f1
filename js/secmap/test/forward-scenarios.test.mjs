// The shared delivery scenarios (host-tests/scenarios/*.json) against secmap/forward and
// the fake ingest server: the same files the engine (crates/delivery/tests/scenarios.rs)
// and the CLI (crates/cli/tests/all/forward/scenarios.rs) run, with the same exact numbers.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';

import { createForwarder } from 'secmap/forward';
import { startFakeIngest } from '../../test-support/fake-ingest.mjs';

const TOKEN = 'dt0c01.FAKEPUBLIC.FAKESECRET0123456789';
const DIR = new URL('../../../host-tests/scenarios/', import.meta.url);

function scenarios() {
  const out = [];
  for (const file of readdirSync(DIR).filter((f) => f.endsWith('.json')).sort()) {
    for (const s of JSON.parse(readFileSync(new URL(file, DIR), 'utf8'))) {
      out.push({ file, ...s });
    }
  }
  return out;
}

/** The scenario's events, as every runner builds them. */
function events(s) {
  const big = new Set(s.bigEvents ?? []);
  return Array.from({ length: s.events }, (_, i) => ({
    'event.id': `scenario-${String(i).padStart(4, '0')}`,
    'event.kind': 'SECURITY_EVENT',
    pad: 'x'.repeat(big.has(i) ? 200 : 20),
  }));
}

/** One fake per body limit the scenarios use. */
const fakes = new Map();
before(async () => {
  for (const s of scenarios()) {
    const max = s.maxBodyBytes ?? 10_000_000;
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
      const fake = fakes.get(s.maxBodyBytes ?? 10_000_000);
      fake.setFaults(s.faults ?? []);
      const letters = [];
      const lines = [];
      const logger = {
        info: (m) => lines.push(m),
        warn: (m) => lines.push(m),
        error: (m) => lines.push(m),
      };
      const fwd = createForwarder({
        endpoint: fake.url,
        token: TOKEN,
        baseDelayMs: 5,
        maxDelayMs: 50,
        timeoutMs: 1000,
        ...s.options,
        logger,
        deadLetter: (l) => letters.push(l),
      });
      const sent = events(s);
      const result = await fwd.send(sent);
      const e = s.expect;
      assert.equal(fake.requests.length, e.requests, 'requests');
      assert.equal(fake.events.length, e.received, 'received');
      const ids = fake.events.map((ev) => ev['event.id']);
      assert.equal(new Set(ids).size, ids.length, 'each event received once');
      const dead = letters.flatMap((l) => l.events);
      assert.equal(dead.length, e.deadLettered, 'dead letters');
      // Nothing lost: received + dead-lettered is everything, with no overlap.
      assert.deepEqual(
        [...ids, ...dead.map((ev) => ev['event.id'])].sort(),
        sent.map((ev) => ev['event.id']).sort(),
      );
      assert.equal(result.sent, e.received);
      assert.equal(result.deadLettered, e.deadLettered);
      assert.equal(result.ok, e.exit === 0);
      assert.equal(fake.pendingFaults, 0, 'every fault used');
      for (const line of lines) {
        assert.ok(!line.includes('FAKESECRET'), line);
        assert.ok(!/[\n\r]/.test(line), line);
      }
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
