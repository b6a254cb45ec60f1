// What `wrangler deploy` uploads: wrangler's own bundle of the Worker (wrangler.toml, the
// `workerd` export condition, the .wasm as a module), run in workerd through miniflare 4
// exactly as toolchain.md Path 5 describes, against the fake ingest server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Miniflare } from 'miniflare';
import { startFakeIngest } from '../../../test-support/fake-ingest.mjs';
import { TESTDATA } from '../../../test-support/corpus.mjs';
import { WORKSPACE } from '../test-support/miniflare.mjs';

const TOKEN = 'dt0c01.BUNDLETEST.s3cr3t-t0ken-value';
const SECRET = 'bundle-secret';
const HOST = path.join(WORKSPACE, 'hosts/cloudflare-worker');
const WRANGLER = path.join(WORKSPACE, 'node_modules/wrangler/bin/wrangler.js');

let tmp;
let fake;
let mf;

before(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'secmap-worker-bundle-'));
  await promisify(execFile)(
    process.execPath,
    [WRANGLER, 'deploy', '--dry-run', '--outdir', path.join(tmp, 'out')],
    {
      cwd: HOST,
      env: {
        ...process.env,
        WRANGLER_SEND_METRICS: 'false',
        XDG_CONFIG_HOME: path.join(tmp, 'config'),
        CI: '1',
      },
      timeout: 60_000,
    },
  );
  fake = await startFakeIngest({ token: TOKEN });
  mf = new Miniflare({
    host: '127.0.0.1',
    port: 0,
    modules: true,
    scriptPath: path.join(tmp, 'out/index.js'),
    modulesRoot: path.join(tmp, 'out'),
    modulesRules: [
      { type: 'ESModule', include: ['**/*.js'] },
      { type: 'CompiledWasm', include: ['**/*.wasm'] },
    ],
    compatibilityDate: '2025-09-01',
    bindings: { DT_INGEST_URL: fake.url, DT_API_TOKEN: TOKEN, SECMAP_SHARED_SECRET: SECRET },
  });
  await mf.ready;
});

after(async () => {
  await mf?.dispose();
  await fake?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test("wrangler's bundle keeps secmap's .wasm module and its initialisation", () => {
  const bundle = readFileSync(path.join(tmp, 'out/index.js'), 'utf8');
  assert.ok(
    /import \w+ from "\.\/[^"]+\.wasm"/.test(bundle),
    'the bundle does not import the .wasm: esbuild dropped src/workerd.js (which imports and ' +
      'initialises it) because js/secmap/package.json declares "sideEffects": false; the entry ' +
      'files (src/workerd.js, src/node.js, src/browser.js) must be listed as having side effects',
  );
});

test("wrangler's bundle maps and forwards a GuardDuty payload in workerd", async () => {
  const name = 'cases/guardduty/eks-multi-container';
  const url = new URL(await mf.ready);
  url.searchParams.set('provider', 'guardduty');
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'X-Secmap-Secret': SECRET },
    body: readFileSync(`${TESTDATA}${name}.json`),
  });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  const lines = readFileSync(`${TESTDATA}${name}.events.ndjson`, 'utf8').split('\n').filter(Boolean);
  assert.deepEqual(fake.bodies, [`[${lines.join(',')}]`]);
});
