// The npm package `secmap`: its export surface, its entries, and the behaviour of
// `transform`, `providers`, `mappingVersion`, `eventsToJson` and `SecmapError`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import * as secmap from 'secmap';
import * as forward from 'secmap/forward';
import { SecmapError, eventsToJson, mappingVersion, providers, transform } from 'secmap';
import { expectedEventLines, loadManifest } from '../../test-support/corpus.mjs';

const run = promisify(execFile);
const JS_DIR = fileURLToPath(new URL('../../', import.meta.url));
const PKG = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/** Runs an ES module snippet in a fresh Node from js/ and parses its one JSON line. */
async function inChild(code, args = []) {
  const { stdout } = await run(process.execPath, [...args, '--input-type=module', '-e', code], { cwd: JS_DIR });
  return JSON.parse(stdout);
}

const PROBE = `
  const m = await import('secmap');
  const gd = m.providers().find((p) => p.id === 'guardduty');
  const out = m.transform('auto', gd.examples[0].payload);
  console.log(JSON.stringify({
    resolved: import.meta.resolve('secmap'),
    exports: Object.keys(m).sort(),
    events: out.events.map((e) => JSON.stringify(e)),
    fetched: globalThis.fetchedFileUrls ?? null,
  }));
`;

const guardduty = () => providers().find((p) => p.id === 'guardduty');

describe('export surface', () => {
  it('secmap exports exactly its documented functions', () => {
    const contract = ['DEFAULT_OPTIONS', 'ERROR_CATEGORIES', 'ERROR_CODES', 'EVENT_TYPES', 'PROVIDERS', 'RISK_LEVELS', 'SKIP_REASONS', 'WARNING_CODES'];
    assert.deepEqual(Object.keys(secmap).sort(), [...contract, 'SecmapError', 'eventsToJson', 'mappingVersion', 'providers', 'transform'].sort());
    for (const name of ['eventsToJson', 'mappingVersion', 'providers', 'transform']) {
      assert.equal(typeof secmap[name], 'function', name);
    }
    for (const name of contract) assert.ok(Object.isFrozen(secmap[name]), name);
    assert.equal(typeof SecmapError, 'function');
    assert.ok(SecmapError.prototype instanceof Error);
  });

  it('secmap/forward exports exactly createForwarder and forwarderOptionsFromEnv', () => {
    assert.deepEqual(Object.keys(forward).sort(), ['createForwarder', 'forwarderOptionsFromEnv']);
    assert.equal(typeof forward.createForwarder, 'function');
    assert.equal(typeof forward.forwarderOptionsFromEnv, 'function');
  });

  it('secmap/settings exports exactly the settings readers', async () => {
    const settings = await import('secmap/settings');
    assert.deepEqual(Object.keys(settings).sort(), ['boolSetting', 'intSetting', 'transformOptionsFromEnv']);
    assert.deepEqual(settings.transformOptionsFromEnv({}), {});
    assert.deepEqual(
      settings.transformOptionsFromEnv({ SECMAP_ORIGINAL_CONTENT: 'off', SECMAP_MAX_RECORDS: '10', SECMAP_SKIP_SAMPLE_FINDINGS: 'yes' }),
      { originalContent: false, skipSampleFindings: true, limits: { maxRecords: 10 } },
    );
    assert.throws(() => settings.transformOptionsFromEnv({ SECMAP_MAX_DEPTH: '-3' }), /SECMAP_MAX_DEPTH/);
    assert.throws(() => settings.transformOptionsFromEnv({ SECMAP_ORIGINAL_CONTENT: 'maybe' }), /SECMAP_ORIGINAL_CONTENT/);
  });

  it('the exports map: conditions, types, and nothing else reachable', async () => {
    assert.deepEqual(Object.keys(PKG.exports), ['.', './forward', './settings', './pipeline', './package.json']);
    assert.deepEqual(Object.keys(PKG.exports['.']), ['types', 'workerd', 'browser', 'node', 'default']);
    assert.equal(PKG.exports['.'].types, './src/index.d.ts');
    assert.equal(PKG.exports['./forward'].types, './src/forward.d.ts');
    assert.equal(PKG.exports['./settings'].types, './src/settings.d.ts');
    assert.equal(PKG.exports['./pipeline'].types, './src/pipeline.d.ts');
    assert.equal(PKG.type, 'module');
    const require = createRequire(import.meta.url);
    assert.equal(require('secmap/package.json').name, 'secmap');
    for (const deep of ['secmap/src/core.js', 'secmap/dist/secmap_wasm.js', 'secmap/src/forward.js', 'secmap/src/pipeline.js']) {
      await assert.rejects(import(deep), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' }, deep);
    }
    // Which file each condition selects (the workerd and browser entries load below).
    const resolved = async (conditions) =>
      (await inChild(`console.log(JSON.stringify(import.meta.resolve('secmap')))`, conditions.flatMap((c) => ['--conditions', c])));
    assert.match(import.meta.resolve('secmap'), /\/secmap\/src\/node\.js$/);
    assert.match(await resolved(['browser']), /\/secmap\/src\/browser\.js$/);
    assert.match(await resolved(['workerd']), /\/secmap\/src\/workerd\.js$/);
    assert.match(import.meta.resolve('secmap/forward'), /\/secmap\/src\/forward\.js$/);
  });
});

describe('entries', () => {
  it('node: loads in Node, synchronously initialized', async () => {
    const got = await inChild(PROBE);
    assert.match(got.resolved, /\/src\/node\.js$/);
    assert.deepEqual(got.exports, Object.keys(secmap).sort());
    assert.deepEqual(got.events, transform('auto', guardduty().examples[0].payload).events.map((e) => JSON.stringify(e)));
  });

  it('browser: loads the .wasm with fetch relative to the module (Node with a file: fetch shim)', async () => {
    // Node 20's fetch cannot read file: URLs; the browser entry is otherwise unchanged.
    await assert.rejects(fetch(new URL('../package.json', import.meta.url)));
    const got = await inChild(PROBE, ['--conditions', 'browser', '--import', './test-support/file-fetch.mjs']);
    assert.match(got.resolved, /\/src\/browser\.js$/);
    assert.deepEqual(got.fetched, [new URL('../dist/secmap_wasm_bg.wasm', import.meta.url).href]);
    assert.deepEqual(got.exports, Object.keys(secmap).sort());
    assert.deepEqual(got.events, transform('auto', guardduty().examples[0].payload).events.map((e) => JSON.stringify(e)));
  });

  it('workerd: loads in workerd (miniflare), with the .wasm imported as a module', async () => {
    const { Miniflare } = await import('miniflare');
    const mf = new Miniflare({
      modules: true,
      scriptPath: fileURLToPath(new URL('../../test-support/workerd-probe.mjs', import.meta.url)),
      modulesRoot: JS_DIR,
      modulesRules: [
        { type: 'ESModule', include: ['**/*.js', '**/*.mjs'] },
        { type: 'CompiledWasm', include: ['**/*.wasm'] },
      ],
      compatibilityDate: '2025-09-01',
    });
    try {
      const res = await mf.dispatchFetch('http://localhost/');
      assert.equal(res.status, 200);
      const got = await res.json();
      assert.deepEqual(got.exports, Object.keys(secmap).sort());
      assert.equal(got.version, mappingVersion());
      assert.deepEqual(got.events, transform('auto', guardduty().examples[0].payload).events.map((e) => JSON.stringify(e)));
    } finally {
      await mf.dispose();
    }
  });
});

describe('transform', () => {
  it('gives the same events for a string, Uint8Array, ArrayBuffer, DataView and a parsed object', () => {
    for (const p of providers()) {
      for (const ex of p.examples) {
        const text = ex.payload;
        const bytes = new TextEncoder().encode(text);
        const framed = new Uint8Array(bytes.length + 8);
        framed.set(bytes, 4);
        const want = transform(p.id, text);
        const forms = {
          Uint8Array: bytes,
          ArrayBuffer: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
          'Uint8Array view with an offset': framed.subarray(4, 4 + bytes.length),
          DataView: new DataView(framed.buffer, 4, bytes.length),
          Buffer: Buffer.from(text),
        };
        // NDJSON payloads are text, not one JSON value.
        let parsed;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        if (parsed !== undefined) forms['parsed object'] = parsed;
        for (const [form, payload] of Object.entries(forms)) {
          const got = transform(p.id, payload);
          assert.deepEqual(
            got.events.map((e) => JSON.stringify(e)),
            want.events.map((e) => JSON.stringify(e)),
            `${p.id}/${ex.name} as ${form}`,
          );
          if (form !== 'parsed object') assert.deepEqual(got, want, `${p.id}/${ex.name} as ${form}`);
        }
        assert.ok(want.events.length > 0, `${p.id}/${ex.name} maps to events`);
      }
    }
  });

  it('rejects payloads of other types with a TypeError', () => {
    for (const bad of [42, true, undefined, null, Symbol('x')]) {
      assert.throws(() => transform('auto', bad), TypeError);
    }
  });

  it('returns plain objects and arrays (no Map, no class instances)', () => {
    const out = transform('auto', guardduty().examples[2].payload, { reportUnmapped: true });
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.ok(Array.isArray(out.events) && Array.isArray(out.outcomes) && Array.isArray(out.warnings));
    const all = [...out.events, ...out.outcomes, ...out.warnings];
    assert.ok(out.events.length > 1);
    for (const o of all) assert.equal(Object.getPrototypeOf(o), Object.prototype);
    for (const e of out.events) {
      for (const [k, v] of Object.entries(e)) {
        assert.ok(
          ['string', 'number', 'boolean'].includes(typeof v) || (Array.isArray(v) && v.every((s) => typeof s === 'string')),
          `${k}: ${typeof v}`,
        );
      }
    }
  });

  it('stamps mappingVersion() into every event', () => {
    assert.match(mappingVersion(), /^\d+\.\d+\.\d+/);
    for (const p of providers()) {
      for (const ex of p.examples) {
        for (const e of transform(p.id, ex.payload).events) assert.equal(e['secmap.mapping.version'], mappingVersion());
      }
    }
  });

  it('honours options (originalContent, now)', () => {
    const payload = guardduty().examples[0].payload;
    const plain = transform('guardduty', payload).events[0];
    assert.equal(typeof plain['event.original_content'], 'string');
    assert.equal(plain.timestamp, undefined);
    const opted = transform('guardduty', payload, { originalContent: false, now: '2026-11-24T10:15:00Z' }).events[0];
    assert.equal(opted['event.original_content'], undefined);
    assert.equal(typeof opted.timestamp, 'string');
  });
});

describe('SecmapError', () => {
  it('invalid JSON: code invalid-json with line and column', () => {
    assert.throws(() => transform('auto', '{\n  "a": 1,\n  oops\n}'), SecmapError);
    const e = captured(() => transform('auto', '{\n  "a": 1,\n  oops\n}'));
    assert.ok(e instanceof SecmapError && e instanceof Error);
    assert.equal(e.name, 'SecmapError');
    assert.equal(e.code, 'invalid-json');
    assert.equal(e.line, 3);
    assert.equal(typeof e.column, 'number');
    assert.ok(e.column >= 3);
    assert.equal(typeof e.detail, 'string');
    assert.ok(e.message.startsWith('invalid-json: '), e.message);
    assert.ok(e.message.includes(`line 3 column ${e.column}`), e.message);
    assert.ok(e.detail.length > 0 && e.message.includes(e.detail));
  });

  it('invalid UTF-8: code invalid-utf8 with line and column', () => {
    const bytes = new Uint8Array([0x7b, 0x0a, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]); // {\n"a":"\xff"}
    const e = captured(() => transform('auto', bytes));
    assert.equal(e.code, 'invalid-utf8');
    assert.equal(e.line, 2);
    assert.equal(typeof e.column, 'number');
  });

  it('unknown provider: code unknown-provider, listing the providers', () => {
    const e = captured(() => transform('macie', '{}'));
    assert.equal(e.code, 'unknown-provider');
    assert.equal(e.category, 'usage');
    for (const id of ['auto', ...providers().map((p) => p.id)]) assert.ok(e.detail.includes(id), `${id} in ${e.detail}`);
    assert.equal(e.line, undefined);
  });

  it('malformed options: code invalid-options', () => {
    for (const options of [{ originalContent: 'yes' }, { now: 'yesterday' }, { limits: { maxDepth: -1 } }, 5]) {
      const e = captured(() => transform('auto', '{}', options));
      assert.equal(e.code, 'invalid-options', JSON.stringify(options));
      assert.equal(e.category, 'usage');
      assert.equal(e.limit, undefined);
    }
  });

  it('limit-exceeded: category limit, and `limit` names the option', () => {
    const gd = guardduty().examples[0].payload;
    for (const [options, payload, limit] of [
      [{ limits: { maxPayloadBytes: 10 } }, gd, 'maxPayloadBytes'],
      [{ limits: { maxRecords: 1 } }, `[${gd},${gd}]`, 'maxRecords'],
      [{ limits: { maxEvents: 1 } }, `[${gd},${gd}]`, 'maxEvents'],
    ]) {
      const e = captured(() => transform('guardduty', payload, options));
      assert.deepEqual({ code: e?.code, category: e?.category, limit: e?.limit }, { code: 'limit-exceeded', category: 'limit', limit }, limit);
      assert.ok(e.detail.includes(limit), e.detail);
    }
  });

  it('unknown option keys: code invalid-options, naming the key', () => {
    for (const [options, key] of [[{ bogus: 1 }, 'bogus'], [{ originalContnet: false }, 'originalContnet'], [{ limits: { maxDeph: 3 } }, 'maxDeph']]) {
      const e = captured(() => transform('auto', '{}', options));
      assert.equal(e?.code, 'invalid-options', JSON.stringify(options));
      assert.ok(e.detail.includes(key), e.detail);
    }
  });

  it('the corpus errors carry code, detail and location', () => {
    const cases = loadManifest().filter((c) => c.name === 'cases/auto/invalid-json');
    assert.equal(cases.length, 1);
    const e = captured(() => transform(cases[0].provider, readFileSync(new URL(`../../../testdata/${cases[0].input}`, import.meta.url)), cases[0].options));
    assert.deepEqual(
      { code: e.code, category: e.category, message: e.detail, line: e.line, column: e.column },
      { code: 'invalid-json', category: 'input', message: 'key must be a string', line: 4, column: 44 },
    );
  });
});

describe('providers, eventsToJson', () => {
  it('providers() lists every provider with its examples', () => {
    const list = providers();
    assert.deepEqual(list.map((p) => p.id).sort(), ['defender-alerts', 'defender-for-cloud', 'guardduty', 'inspector', 'security-hub']);
    assert.deepEqual(list.map((p) => p.id).sort(), [...secmap.PROVIDERS]);
    const byId = Object.fromEntries(list.map((p) => [p.id, p]));
    assert.equal(byId['defender-for-cloud'].name, 'Microsoft Defender for Cloud');
    assert.equal(byId['defender-for-cloud'].vendor, 'Microsoft');
    assert.equal(byId.guardduty.name, 'Amazon GuardDuty');
    assert.equal(byId.guardduty.vendor, 'Amazon');
    assert.ok(byId['defender-for-cloud'].eventTypes.includes('VULNERABILITY_FINDING'));
    assert.ok(byId.guardduty.eventTypes.includes('DETECTION_FINDING'));
    for (const p of list) {
      assert.equal(typeof p.summary, 'string');
      assert.ok(p.summary.length > 20);
      assert.ok(p.examples.length >= 1, `${p.id} has examples`);
      for (const ex of p.examples) {
        assert.deepEqual(Object.keys(ex).sort(), ['name', 'payload', 'title']);
        const out = transform('auto', ex.payload);
        assert.ok(out.events.length > 0, `${p.id}/${ex.name}`);
        assert.ok(out.events.every((e) => e['event.provider'] === p.name), `${p.id}/${ex.name} maps as ${p.name}`);
        assert.ok(out.events.every((e) => p.eventTypes.includes(e['event.type'])));
      }
    }
  });

  it('every code and level the corpus produces is in the generated contract', () => {
    const seen = new Set();
    const expect = (list, value, what) => {
      assert.ok(list.includes(value), `${what} ${value} is not in the contract`);
      seen.add(value);
    };
    for (const c of loadManifest()) {
      let out;
      try {
        out = transform(c.provider, readFileSync(new URL(`../../../testdata/${c.input}`, import.meta.url)), c.options);
      } catch (e) {
        expect(secmap.ERROR_CODES, e.code, 'error code');
        expect(secmap.ERROR_CATEGORIES, e.category, 'category');
        continue;
      }
      for (const o of out.outcomes) {
        if (o.outcome === 'skipped') expect(secmap.SKIP_REASONS, o.reason, 'skip reason');
        if (o.outcome === 'rejected') expect(secmap.ERROR_CATEGORIES, o.error.category, 'category');
      }
      for (const w of out.warnings) expect(secmap.WARNING_CODES, w.code, 'warning code');
      for (const e of out.events) {
        expect(secmap.EVENT_TYPES, e['event.type'], 'event type');
        if (e['dt.security.risk.level'] !== undefined) expect(secmap.RISK_LEVELS, e['dt.security.risk.level'], 'risk level');
      }
    }
    // The new providers' codes arrive under their own names.
    for (const code of ['unsupported-finding-type', 'dangling-ref', 'score-outside-band', 'NOT_AVAILABLE', 'COMPLIANCE_FINDING']) {
      assert.ok(seen.has(code), code);
    }
  });

  it('eventsToJson is the request body, byte-identical to the golden lines', () => {
    let checked = 0;
    for (const c of loadManifest()) {
      const lines = expectedEventLines(c);
      if (lines.length === 0) continue;
      const out = transform(c.provider, readFileSync(new URL(`../../../testdata/${c.input}`, import.meta.url)), c.options);
      assert.equal(eventsToJson(out.events), `[${lines.join(',')}]`, c.name);
      // Events survive a parse/stringify round trip unchanged.
      assert.equal(JSON.stringify(JSON.parse(eventsToJson(out.events))), eventsToJson(out.events));
      checked++;
    }
    assert.ok(checked > 20);
    assert.equal(eventsToJson([]), '[]');
  });
});

describe('the request body straight through', () => {
  const decoder = new TextDecoder();

  it('body and bodyBytes are the golden events joined as the request body, byte for byte', () => {
    let checked = 0;
    for (const c of loadManifest()) {
      const lines = expectedEventLines(c);
      let out;
      try {
        out = transform(c.provider, readFileSync(new URL(`../../../testdata/${c.input}`, import.meta.url)), c.options);
      } catch (e) {
        if (e instanceof SecmapError) continue; // a payload refused as a whole has no body
        throw e;
      }
      const want = `[${lines.join(',')}]`;
      assert.equal(out.body, want, c.name);
      assert.ok(out.bodyBytes instanceof Uint8Array, c.name);
      assert.equal(decoder.decode(out.bodyBytes), want, c.name);
      assert.equal(out.eventCount, lines.length, c.name);
      // `events` still works, parsed from the body on first read, and stays the same array.
      assert.deepEqual(out.events, lines.map((l) => JSON.parse(l)), c.name);
      assert.equal(out.events, out.events);
      assert.equal(eventsToJson(out.events), out.body, c.name);
      checked++;
    }
    assert.ok(checked > 40, `${checked} cases`);
  });

  it('outcomes and warnings read without touching the body', () => {
    const ex = guardduty().examples[2].payload;
    const out = transform('guardduty', ex, { reportUnmapped: true });
    assert.equal(out.outcomes.length, 1);
    assert.equal(out.outcomes[0].outcome, 'mapped');
    assert.equal(out.outcomes[0].events, out.eventCount);
    assert.ok(Array.isArray(out.warnings));
    const empty = transform('auto', '[]');
    assert.equal(empty.body, '[]');
    assert.equal(empty.eventCount, 0);
    assert.deepEqual(empty.events, []);
  });

  it('each call has its own body: earlier results stay valid after later calls', () => {
    const [a, b] = guardduty().examples;
    const first = transform('guardduty', a.payload);
    const firstBody = first.body;
    const firstBytes = first.bodyBytes.slice();
    for (let i = 0; i < 20; i++) transform('guardduty', b.payload);
    assert.deepEqual(first.bodyBytes, firstBytes);
    assert.equal(decoder.decode(first.bodyBytes), firstBody);
  });

  it('takes Buffer and Uint8Array payloads as they are, with the same body as text', () => {
    for (const p of providers()) {
      for (const ex of p.examples) {
        const want = transform(p.id, ex.payload).body;
        assert.equal(transform(p.id, Buffer.from(ex.payload)).body, want, `${p.id}/${ex.name} as Buffer`);
        assert.equal(transform(p.id, new TextEncoder().encode(ex.payload)).body, want, `${p.id}/${ex.name} as bytes`);
      }
    }
  });
});

function captured(f) {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}
