// The golden corpus in testdata/ (see crates/testkit/src/lib.rs), for the JS tests.
// `testdata/manifest.json` lists every case: input file, provider, options, and the expected
// `<name>.events.ndjson` (one compact JSON event per line, byte for byte what the core
// produces) and `<name>.report.json` (outcomes and warnings, or the payload-level `error`).
import { readFileSync } from 'node:fs';
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
