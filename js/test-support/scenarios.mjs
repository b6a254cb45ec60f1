// Test helper (not a test): the shared delivery scenarios (host-tests/scenarios/*.json), as
// every JavaScript runner reads, builds and checks them. The Rust runners
// (crates/delivery/tests/scenarios.rs and the CLI's) read the same files and build the same
// events, so one scenario means the same thing in every engine.
import { readdirSync, readFileSync } from 'node:fs';

export const TOKEN = 'dt0c01.FAKEPUBLIC.FAKESECRET0123456789';
const DIR = new URL('../../host-tests/scenarios/', import.meta.url);

/** Every scenario, file by file in name order, each with its `file`. */
export function loadScenarios() {
  const out = [];
  for (const file of readdirSync(DIR).filter((f) => f.endsWith('.json')).sort()) {
    for (const s of JSON.parse(readFileSync(new URL(file, DIR), 'utf8'))) {
      out.push({ file, ...s });
    }
  }
  return out;
}

/** The scenario's events, as every runner builds them. */
export function scenarioEvents(s) {
  const big = new Set(s.bigEvents ?? []);
  return Array.from({ length: s.events }, (_, i) => ({
    'event.id': `scenario-${String(i).padStart(4, '0')}`,
    'event.kind': 'SECURITY_EVENT',
    pad: 'x'.repeat(big.has(i) ? 200 : 20),
  }));
}

/** The body limit of the fake ingest a scenario runs against. */
export const maxBodyBytesOf = (s) => s.maxBodyBytes ?? 10_000_000;

/** `createForwarder` options for a scenario (short delays, so that the suite is quick). */
export function forwarderOptions(s, endpoint) {
  return { endpoint, token: TOKEN, baseDelayMs: 5, maxDelayMs: 50, timeoutMs: 1000, ...s.options };
}

/**
 * Checks one run against the scenario's `expect`: the exact request, delivery and dead-letter
 * counts; every event received once or dead-lettered, none lost, none both; the result and
 * exit status; every fault used; log lines single-line and free of the token.
 */
export function assertScenario(assert, s, { fake, sent, result, deadEvents, lines }) {
  const e = s.expect;
  assert.equal(fake.requests.length, e.requests, 'requests');
  assert.equal(fake.events.length, e.received, 'received');
  const ids = fake.events.map((ev) => ev['event.id']);
  assert.equal(new Set(ids).size, ids.length, 'each event received once');
  assert.equal(deadEvents.length, e.deadLettered, 'dead letters');
  // Nothing lost: received + dead-lettered is everything, with no overlap.
  assert.deepEqual(
    [...ids, ...deadEvents.map((ev) => ev['event.id'])].sort(),
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
}
