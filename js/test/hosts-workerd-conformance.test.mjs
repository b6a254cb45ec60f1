// The whole golden corpus through secmap's `workerd` entry inside workerd (miniflare 4):
// events byte-identical to `<name>.events.ndjson`, outcomes and warnings (or the error)
// equal to `<name>.report.json`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { assertManifestListsTheCorpus, loadManifest, inputBytes, expectedEventLines, expectedReport } from '../test-support/corpus.mjs';
import { startWorker } from '../hosts/cloudflare-worker/test-support/miniflare.mjs';

const SCRIPT = fileURLToPath(new URL('../hosts/cloudflare-worker/test-support/transform-worker.js', import.meta.url));
const cases = loadManifest();
let worker;

before(async () => {
  worker = await startWorker({ script: SCRIPT });
});
after(() => worker?.dispose());

test('the manifest lists the corpus', () => {
  assertManifestListsTheCorpus(assert, cases);
});

for (const c of cases) {
  test(c.name, async () => {
    const url = new URL(worker.url);
    url.searchParams.set('provider', c.provider);
    url.searchParams.set('options', JSON.stringify(c.options ?? {}));
    const res = await fetch(url, { method: 'POST', body: inputBytes(c) });
    assert.equal(res.status, 200);
    const got = await res.json();
    const report = expectedReport(c);
    if (report.error) {
      assert.deepEqual(got.error, report.error);
      assert.deepEqual(expectedEventLines(c), []);
      return;
    }
    assert.equal(got.error, undefined, JSON.stringify(got.error));
    const lines = expectedEventLines(c);
    assert.equal(got.eventLines.length, lines.length, 'event count');
    got.eventLines.forEach((line, i) => assert.equal(line, lines[i], `event ${i}`));
    assert.deepEqual(got.outcomes, report.outcomes);
    assert.deepEqual(got.warnings, report.warnings);
  });
}
