// Cross-engine conformance in Node over the whole golden corpus (testdata/manifest.json):
//   (a) the npm package `secmap` (the wasm-bindgen build);
//   (b) the WIT component (dist/secmap.wasm) transpiled by jco.
// Each engine must produce, for every case, the events byte for byte as in
// `<name>.events.ndjson`, and the outcomes and warnings (or the payload-level error) as in
// `<name>.report.json`. A case an engine cannot run is skipped with the reason, never
// silently.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

import { SecmapError, transform } from 'secmap';
import { REPO_ROOT, assertManifestListsTheCorpus, expectedEventLines, expectedReport, inputBytes, loadManifest } from '../test-support/corpus.mjs';

const CASES = loadManifest();

/** The engine's payload-level error in the report's shape. */
function errorInfo({ code, category, message, limit, pointer, line, column }) {
  const out = { code, category, message };
  if (limit !== undefined) out.limit = limit;
  if (pointer !== undefined) out.pointer = pointer;
  if (line !== undefined) out.line = line;
  if (column !== undefined) out.column = column;
  return out;
}

it('the manifest lists every input on disk and every case has its expected files', () => {
  assertManifestListsTheCorpus(assert, CASES);
  for (const c of CASES) {
    for (const f of [c.input, c.events, c.report]) assert.ok(existsSync(join(REPO_ROOT, 'testdata', f)), f);
  }
});

describe('(a) npm package secmap (wasm-bindgen)', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const want = expectedReport(c);
      let out;
      try {
        out = transform(c.provider, inputBytes(c), c.options);
      } catch (e) {
        if (!(e instanceof SecmapError)) throw e;
        assert.ok(want.error, `unexpected ${e.message}`);
        assert.deepEqual(errorInfo({ ...e, message: e.detail }), want.error);
        assert.deepEqual(expectedEventLines(c), []);
        return;
      }
      assert.equal(want.error, undefined, 'expected a payload-level error');
      assertEvents(out.events.map((e) => JSON.stringify(e)), expectedEventLines(c));
      assert.deepEqual({ outcomes: out.outcomes, warnings: out.warnings }, want);
    });
  }
});

describe('(b) WIT component via jco', () => {
  const component = join(REPO_ROOT, 'dist/secmap.wasm');
  let mapper;
  let unavailable;
  let scratch;

  before(async () => {
    if (!existsSync(component)) {
      unavailable = 'dist/secmap.wasm is missing: run `cargo xtask build`';
      return;
    }
    // `cargo xtask build` transpiles it to target/jco; if that is missing or older than
    // the component, transpile afresh into a temporary directory.
    let dir = join(REPO_ROOT, 'target/jco');
    const entry = (d) => join(d, 'secmap.js');
    const stamp = join(dir, 'source.json');
    const fresh =
      existsSync(entry(dir)) &&
      existsSync(stamp) &&
      statSync(stamp).mtimeMs >= statSync(component).mtimeMs &&
      JSON.parse(readFileSync(stamp, 'utf8')).bytes === statSync(component).size;
    if (!fresh) {
      dir = scratch = await mkdtemp(join(tmpdir(), 'secmap-jco-'));
      await promisify(execFile)(process.execPath, [join(REPO_ROOT, 'js/scripts/jco-transpile.mjs'), component, dir]);
    }
    ({ mapper } = await import(pathToFileURL(entry(dir)).href));
  });
  after(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  for (const c of CASES) {
    it(c.name, (t) => {
      if (unavailable) return t.skip(unavailable);
      const options = toWitOptions(c.options);
      if (options.skip) return t.skip(`options not expressible in WIT: ${options.skip}`);
      const want = expectedReport(c);
      let out;
      try {
        out = mapper.transform(c.provider, inputBytes(c), options.value);
      } catch (e) {
        if (e?.payload === undefined) throw e; // a trap or a binding bug, not a result::err
        assert.ok(want.error, `unexpected error ${JSON.stringify(e.payload)}`);
        assert.deepEqual(errorInfo(e.payload), want.error);
        assert.deepEqual(expectedEventLines(c), []);
        return;
      }
      assert.equal(want.error, undefined, 'expected a payload-level error');
      assert.ok(out.events.every((e) => typeof e === 'string'));
      assertEvents(out.events, expectedEventLines(c));
      assert.deepEqual(
        { outcomes: out.outcomes.map(witOutcome), warnings: out.warnings.map(witWarning) },
        want,
      );
    });
  }
});

/** Events byte for byte, with a readable first difference. */
function assertEvents(got, want) {
  assert.equal(got.length, want.length, `${got.length} events, expected ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    if (got[i] !== want[i]) {
      let at = 0;
      while (got[i][at] === want[i][at]) at++;
      assert.fail(
        `event ${i} differs at character ${at}:\n  expected …${want[i].slice(Math.max(0, at - 60), at + 60)}\n  got      …${got[i].slice(Math.max(0, at - 60), at + 60)}`,
      );
    }
  }
}

const WIT_OPTIONS = {
  originalContent: 'bool',
  originalContentMaxBytes: 'u32',
  reportUnmapped: 'bool',
  skipSampleFindings: 'bool',
  now: 'string',
  limits: {
    maxPayloadBytes: 'u64',
    maxRecords: 'u32',
    maxDepth: 'u32',
    maxStringBytes: 'u32',
    maxEvents: 'u32',
    maxOutputBytes: 'u64',
  },
};

/**
 * The manifest's JSON options as the WIT `options` record: the same camelCase fields, all
 * optional; u64 as BigInt. `{skip}` when a value has no WIT form (an unknown key, a wrong
 * type), which only the JSON-taking engines can be asked.
 */
function toWitOptions(json, shape = WIT_OPTIONS, at = '') {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return { skip: `${at || 'options'} is not an object` };
  }
  const value = {};
  for (const [k, v] of Object.entries(json)) {
    const ty = shape[k];
    const path = at ? `${at}.${k}` : k;
    if (ty === undefined) return { skip: `unknown field ${path}` };
    if (typeof ty === 'object') {
      const inner = toWitOptions(v, ty, path);
      if (inner.skip) return inner;
      value[k] = inner.value;
    } else if (ty === 'bool' && typeof v === 'boolean') {
      value[k] = v;
    } else if (ty === 'string' && typeof v === 'string') {
      value[k] = v;
    } else if (ty === 'u32' && Number.isInteger(v) && v >= 0 && v <= 0xffff_ffff) {
      value[k] = v;
    } else if (ty === 'u64' && Number.isSafeInteger(v) && v >= 0) {
      value[k] = BigInt(v);
    } else {
      return { skip: `${path} = ${JSON.stringify(v)} is not a ${ty}` };
    }
  }
  return { value };
}

/** A WIT `record-outcome` in the report's JSON shape. */
function witOutcome(o) {
  const out = { index: o.index, pointer: o.pointer };
  if (o.line !== undefined) out.line = o.line;
  if (o.provider !== undefined) out.provider = o.provider;
  switch (o.outcome.tag) {
    case 'mapped':
      out.outcome = 'mapped';
      out.events = o.outcome.val;
      break;
    case 'skipped':
      out.outcome = 'skipped';
      out.reason = o.outcome.val.reason;
      out.message = o.outcome.val.message;
      break;
    case 'rejected':
      out.outcome = 'rejected';
      out.error = errorInfo(o.outcome.val);
      break;
    default:
      throw new Error(`unknown outcome tag ${o.outcome.tag}`);
  }
  // The report leaves an empty list out.
  if (o.unmapped.length > 0) out.unmapped = o.unmapped;
  return out;
}

/** A WIT `warning` in the report's JSON shape. */
function witWarning(w) {
  return { record: w.record, code: w.code, message: w.message, pointer: w.pointer };
}
