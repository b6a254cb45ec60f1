// secmap/forward fed what `transform` returns: the requests the fake ingest receives carry
// the core's request body byte for byte, and `output.events` is never read (no event object
// is built or serialized again on the way).
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';

import { transform } from 'secmap';
import { createForwarder } from 'secmap/forward';
import { startFakeIngest } from '../../test-support/fake-ingest.mjs';
import { expectedEventLines, expectedReport, inputBytes, loadManifest } from '../../test-support/corpus.mjs';

const TOKEN = 'dt0c01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM';
const FAST = { baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 2_000 };

/**
 * The output of `transform`, behind a Proxy that fails the test if anything reads the parsed
 * views (`events`, `outcomes`, `warnings`): only the body may be read.
 */
function untouchable(output) {
  const read = [];
  const proxy = new Proxy(output, {
    get(target, key, receiver) {
      if (key === 'events' || key === 'outcomes' || key === 'warnings') read.push(key);
      return Reflect.get(target, key, receiver);
    },
  });
  return { proxy, read };
}

/** The golden cases with events, with their transform output and golden body. */
function goldenCases() {
  const cases = [];
  for (const c of loadManifest()) {
    const lines = expectedEventLines(c);
    if (lines.length === 0) continue;
    cases.push({ c, lines, golden: `[${lines.join(',')}]`, output: transform(c.provider, inputBytes(c), c.options) });
  }
  return cases;
}

function capture() {
  const lines = [];
  const letters = [];
  const logger = {
    info: (m) => lines.push(String(m)),
    warn: (m) => lines.push(String(m)),
    error: (m) => lines.push(String(m)),
  };
  return { lines, letters, opts: { logger, deadLetter: (l) => void letters.push(l) } };
}

let fake;
before(async () => {
  fake = await startFakeIngest({ token: TOKEN });
});
after(async () => {
  await fake?.close();
});
beforeEach(() => fake.reset());

describe('send(transform output)', () => {
  const cases = goldenCases();

  it('covers several providers and multi-event cases', () => {
    // Exactly the manifest's cases whose golden report maps records to events, each with as
    // many golden lines as its report counts (from the reports, not from the event files).
    const mappedEvents = (c) => (expectedReport(c).outcomes ?? []).reduce((n, o) => n + (o.outcome === 'mapped' ? o.events : 0), 0);
    const want = loadManifest().filter((c) => mappedEvents(c) > 0);
    assert.deepEqual(cases.map(({ c }) => c.name), want.map((c) => c.name));
    for (const { c, lines } of cases) assert.equal(lines.length, mappedEvents(c), c.name);
    assert.deepEqual(
      [...new Set(cases.map(({ c }) => c.provider))].sort(),
      [...new Set(want.map((c) => c.provider))].sort(),
    );
  });

  it('sends the golden request body byte for byte, never reading events', async () => {
    for (const { c, lines, golden, output } of cases) {
      fake.reset();
      const cap = capture();
      const { proxy, read } = untouchable(output);
      const fwd = createForwarder({ endpoint: fake.url, token: TOKEN, ...FAST, ...cap.opts });
      const result = await fwd.send(proxy);
      assert.deepEqual(read, [], `${c.name}: send read ${read.join(', ')}`);
      assert.deepEqual(
        result,
        { sent: lines.length, deadLettered: 0, retried: 0, requests: 1, ok: true },
        c.name,
      );
      assert.deepEqual(fake.bodies, [golden], `${c.name}: the request body is the golden body`);
      assert.deepEqual(cap.letters, []);
      assert.deepEqual(cap.lines, []);
    }
  });

  it('takes bodyBytes, body, or several outputs alike', async () => {
    const picked = cases.filter(({ lines }) => lines.length > 1).slice(0, 4);
    assert.equal(picked.length, 4);
    const fwd = createForwarder({ endpoint: fake.url, token: TOKEN, ...FAST, ...capture().opts });
    for (const { c, golden, output } of picked) {
      fake.reset();
      await fwd.send(output.bodyBytes);
      await fwd.send(output.body);
      await fwd.send({ body: golden });
      assert.deepEqual(fake.bodies, [golden, golden, golden], c.name);
    }
    // Several outputs (an SQS batch's messages): their events in order, batched together
    // exactly as the golden lines pushed one by one would be.
    fake.reset();
    const all = picked.flatMap(({ lines }) => lines);
    const proxies = picked.map(({ output }) => untouchable(output));
    const maxBatchBytes = Math.max(...all.map((l) => Buffer.byteLength(l))) * 3;
    const batched = createForwarder({ endpoint: fake.url, token: TOKEN, maxBatchBytes, ...FAST });
    const result = await batched.send(proxies.map((p) => p.proxy));
    assert.deepEqual(proxies.flatMap((p) => p.read), []);
    const expected = [];
    let batch = [];
    for (const line of all) {
      if (batch.length > 0 && Buffer.byteLength(`[${[...batch, line].join(',')}]`) > maxBatchBytes) {
        expected.push(`[${batch.join(',')}]`);
        batch = [];
      }
      batch.push(line);
    }
    expected.push(`[${batch.join(',')}]`);
    assert.ok(expected.length > 1);
    assert.deepEqual(fake.bodies, expected);
    assert.equal(result.sent, all.length);
    assert.equal(result.ok, true);
  });

  it('hands undelivered events of a body to deadLetter as objects, with their first index', async () => {
    const { lines, output } = cases.find(({ lines }) => lines.length >= 4);
    const cap = capture();
    const fwd = createForwarder({ endpoint: fake.url, token: TOKEN, maxBatchEvents: 2, ...FAST, ...cap.opts });
    fake.setFaults([{ delayMs: 1 }, { status: 400 }]); // the first request goes through
    const { proxy, read } = untouchable(output);
    const result = await fwd.send(proxy);
    assert.deepEqual(read, []);
    assert.equal(result.deadLettered, 2);
    assert.equal(result.ok, false);
    assert.equal(cap.letters.length, 1);
    const [letter] = cap.letters;
    assert.equal(letter.first, 2);
    assert.equal(letter.reason.status, 400);
    assert.deepEqual(letter.events.map((e) => JSON.stringify(e)), lines.slice(2, 4));
  });

  it('refuses a body that is not a JSON array of objects, before any request', async () => {
    const fwd = createForwarder({ endpoint: fake.url, token: TOKEN, ...FAST, ...capture().opts });
    await assert.rejects(fwd.send('not json'), /send: body: the request body is not a JSON array of events/);
    await assert.rejects(fwd.send('{"a":1}'), /not a JSON array of events/);
    await assert.rejects(fwd.send(new TextEncoder().encode('[{},1]')), /element at \/1 is not a JSON object/);
    await assert.rejects(fwd.send(new Uint8Array([0x5b, 0xff, 0x5d])), /not UTF-8/);
    await assert.rejects(fwd.send([cases[0].output, { n: 1 }]), /element 1 is not a transform output/);
    await assert.rejects(fwd.send(42), /expected what transform returned/);
    await assert.rejects(fwd.send(null), /expected what transform returned/);
    assert.equal(fake.requests.length, 0);
    // An empty body sends nothing and is fine.
    assert.deepEqual(await fwd.send('[]'), { sent: 0, deadLettered: 0, retried: 0, requests: 0, ok: true });
  });
});

describe('the WIT delivery interface: push-body', () => {
  // The component as `cargo xtask build` transpiled it (target/jco); skipped without it.
  const jco = new URL('../../../target/jco/secmap.js', import.meta.url);

  it('pushes the golden body whole and sends it byte for byte; refuses a bad body whole', async (t) => {
    if (!existsSync(jco)) return t.skip('target/jco is missing: run `cargo xtask build`');
    const { delivery } = await import(jco.href);
    const [{ lines, golden }] = goldenCases().filter(({ lines }) => lines.length > 5);
    const engine = delivery.Engine.create({ endpoint: 'https://abc.live.dynatrace.com/x', token: TOKEN, seed: 0n });
    assert.deepEqual(engine.pushBody(golden), { first: 0n, count: BigInt(lines.length) });
    assert.throws(() => engine.pushBody('[{},1]'), (e) => /element at \/1 is not a JSON object/.test(String(e.payload ?? e)));
    engine.finish();
    const action = engine.next(0n);
    assert.equal(action.tag, 'send');
    assert.equal(action.val.body, golden);
    assert.equal(action.val.count, lines.length);
  });
});
