// The golden corpus in testdata/ (see crates/testkit/src/lib.rs), for the JS tests.
// `testdata/manifest.json` lists every case: input file, provider, options, and the expected
// `<name>.events.ndjson` (one compact JSON event per line, byte for byte what the core
// produces) and `<name>.report.json` (outcomes and warnings, or the payload-level `error`).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const TESTDATA = fileURLToPath(new URL('../../testdata/', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** @returns {Array<{name: string, input: string, provider: string, options: object, events: string, report: string}>} */
export function loadManifest() {
  return JSON.parse(readFileSync(`${TESTDATA}manifest.json`, 'utf8')).cases;
}

/** The payload bytes of a case, exactly as stored. */
export function inputBytes(c) {
  return new Uint8Array(readFileSync(`${TESTDATA}${c.input}`));
}

/** The expected events of a case: one string per line of `.events.ndjson`. */
export function expectedEventLines(c) {
  const text = readFileSync(`${TESTDATA}${c.events}`, 'utf8');
  if (text === '') return [];
  if (!text.endsWith('\n')) throw new Error(`${c.events}: no trailing newline`);
  return text.slice(0, -1).split('\n');
}

/** The expected report of a case: `{outcomes, warnings}` or `{error}`. */
export function expectedReport(c) {
  return JSON.parse(readFileSync(`${TESTDATA}${c.report}`, 'utf8'));
}

/**
 * The input files under testdata/samples and testdata/cases, as crates/testkit's `discover`
 * finds them (not an expected output or a sidecar; `.json`, `.ndjson`, `.bin`, `.txt`),
 * relative to testdata/ and sorted. A test that runs "the corpus" compares the manifest
 * with this, never with a hard-coded minimum.
 */
export function inputsOnDisk() {
  const out = [];
  const walk = (rel) => {
    for (const e of readdirSync(`${TESTDATA}${rel}`, { withFileTypes: true })) {
      const path = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(path);
      else if (['.events.ndjson', '.report.json', '.options.json'].some((s) => e.name.endsWith(s))) continue;
      else if (/\.(json|ndjson|bin|txt)$/.test(e.name)) out.push(path);
    }
  };
  walk('samples');
  walk('cases');
  return out.sort();
}

/** Asserts the manifest lists exactly the inputs on disk; returns the case count. */
export function assertManifestListsTheCorpus(assert, cases = loadManifest()) {
  assert.deepEqual(cases.map((c) => c.input).sort(), inputsOnDisk(), 'testdata/manifest.json is stale: run `cargo xtask bless`');
  return cases.length;
}
