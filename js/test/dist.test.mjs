// The release artifacts of `cargo xtask dist`, unpacked and run as a user would:
// - the Lambda zip under lambda-local, reading its token from moto's Secrets Manager (server
//   mode on 127.0.0.1) under Dynatrace's forwarder key, sending to the fake ingest;
// - the npm tarball installed into an empty project, imported in Node, and bundled by esbuild;
//   publint and @arethetypeswrong/cli on the tarball;
// - the Function app zip: the registration loads from the unpacked zip alone.
// `cargo xtask test` runs this with SECMAP_DIST_DIR (target/dist) and SECMAP_VENV (the venv of
// deploy/tools/requirements.txt); without them it is skipped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startFakeIngest } from '../test-support/fake-ingest.mjs';
import { TESTDATA } from '../test-support/corpus.mjs';

const run = promisify(execFile);
const JS = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const DIST = process.env.SECMAP_DIST_DIR;
const VENV = process.env.SECMAP_VENV;
const skip = !DIST || !VENV ? 'SECMAP_DIST_DIR and SECMAP_VENV unset (cargo xtask test sets them)' : false;
const TOKEN = 'dt0c01.DISTTEST.s3cr3t-t0ken-value';
const EKS = 'cases/guardduty/eks-multi-container';
const golden = readFileSync(`${TESTDATA}${EKS}.events.ndjson`, 'utf8').split('\n').filter(Boolean);
const finding = JSON.parse(readFileSync(`${TESTDATA}${EKS}.json`, 'utf8'));

// Inside js/node_modules, so that the unpacked Lambda resolves the AWS SDK from the
// workspace as it resolves the runtime's own in Lambda; its own node_modules comes first.
const WORK = path.join(JS, 'node_modules/.cache/secmap-dist-test');
let fake;
let moto;
let motoUrl;

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitFor(url, ms) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      await fetch(url);
      return;
    } catch (e) {
      if (Date.now() > end) throw new Error(`${url} did not come up: ${e.message}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

before(async () => {
  if (skip) return;
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  fake = await startFakeIngest({ token: TOKEN });
  const port = await freePort();
  motoUrl = `http://127.0.0.1:${port}`;
  moto = spawn(path.join(VENV, 'bin/moto_server'), ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  await waitFor(motoUrl, 30_000);
});

after(async () => {
  moto?.kill();
  await fake?.close();
  if (!skip) rmSync(WORK, { recursive: true, force: true });
});

const AWS_ENV = () => ({
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_REGION: 'eu-west-1',
  AWS_ENDPOINT_URL_SECRETS_MANAGER: motoUrl,
});

test('the Lambda zip under lambda-local: token from Secrets Manager (moto), events to the fake ingest', { skip }, async () => {
  const dir = path.join(WORK, 'lambda');
  mkdirSync(dir);
  await run('unzip', ['-q', path.join(DIST, 'secmap-aws-lambda.zip'), '-d', dir]);
  assert.ok(existsSync(path.join(dir, 'node_modules/secmap/dist/secmap_wasm_bg.wasm')));

  // The secret as Dynatrace's own forwarder stores it: a JSON key/value secret.
  const { SecretsManagerClient, CreateSecretCommand } = await import('@aws-sdk/client-secrets-manager');
  const saved = { ...process.env };
  Object.assign(process.env, AWS_ENV());
  const created = await new SecretsManagerClient({}).send(
    new CreateSecretCommand({
      Name: 'dynatrace/guardduty',
      SecretString: JSON.stringify({ DYNATRACE_OPENPIPELINE_INGEST_API_TOKEN: TOKEN }),
    }),
  );
  process.env = saved;

  const lambdaLocal = (await import('lambda-local')).default;
  const invoke = (event) =>
    lambdaLocal.execute({
      lambdaPath: path.join(dir, 'src/index.js'),
      lambdaHandler: 'handler',
      esm: true,
      event,
      timeoutMs: 20_000,
      verboseLevel: 0,
      environment: {
        ...AWS_ENV(),
        DT_INGEST_URL: fake.url,
        DT_API_TOKEN_SECRET_ID: created.ARN,
        SECMAP_BASE_DELAY_MS: '1',
      },
    });
  const summary = await invoke(finding);
  assert.deepEqual(summary.events, { mapped: 2, sent: 2, deadLettered: 0 });
  assert.deepEqual(fake.bodies, [`[${golden.join(',')}]`]);

  // An SQS batch through the same zip.
  fake.reset();
  const sqs = await invoke({
    Records: ['m1', 'm2'].map((messageId) => ({ messageId, eventSource: 'aws:sqs', body: JSON.stringify(finding) })),
  });
  assert.deepEqual(sqs, { batchItemFailures: [] });
  assert.equal(fake.events.length, 4);
});

test('the npm tarball: installed into an empty project, imported in Node, bundled by esbuild', { skip }, async () => {
  const tarball = readdirSync(DIST).find((f) => /^secmap-\d.*\.tgz$/.test(f));
  assert.ok(tarball, 'secmap-<version>.tgz in the dist folder');
  const listing = (await run('tar', ['-tzf', path.join(DIST, tarball)])).stdout.split('\n');
  for (const f of ['package/LICENSE', 'package/README.md', 'package/package.json', 'package/dist/secmap_wasm_bg.wasm']) {
    assert.ok(listing.includes(f), `${f} in the tarball`);
  }
  const manifest = JSON.parse((await run('tar', ['-xzOf', path.join(DIST, tarball), 'package/package.json'])).stdout);
  assert.ok(manifest.repository?.url, 'repository');
  assert.equal(manifest.types, './src/index.d.ts');
  assert.equal(manifest.dependencies, undefined, 'no runtime dependencies');
  const license = (await run('tar', ['-xzOf', path.join(DIST, tarball), 'package/LICENSE'])).stdout;
  assert.equal(license, readFileSync(path.join(JS, '../LICENSE'), 'utf8'), 'the repository LICENSE, unchanged');

  const project = path.join(WORK, 'project');
  mkdirSync(project);
  writeFileSync(path.join(project, 'package.json'), '{ "name": "consumer", "private": true, "type": "module" }\n');
  await run('npm', ['install', '--no-audit', '--no-fund', '--offline', path.join(DIST, tarball)], { cwd: project });
  const script = [
    "import { transform } from 'secmap';",
    `const out = transform('guardduty', ${JSON.stringify(JSON.stringify(finding))});`,
    'console.log(out.events.map((e) => JSON.stringify(e)).join("\\n"));',
  ].join('\n');
  writeFileSync(path.join(project, 'app.mjs'), script);
  const direct = (await run(process.execPath, ['app.mjs'], { cwd: project })).stdout.trim().split('\n');
  assert.deepEqual(direct, golden);

  // Bundled: the .wasm beside the bundle, as the package README says.
  const out = path.join(project, 'out');
  await run(path.join(JS, 'node_modules/.bin/esbuild'), [
    'app.mjs',
    '--bundle',
    '--platform=node',
    '--format=esm',
    `--outfile=${path.join(out, 'app.mjs')}`,
  ], { cwd: project });
  cpSync(path.join(project, 'node_modules/secmap/dist/secmap_wasm_bg.wasm'), path.join(out, 'secmap_wasm_bg.wasm'));
  rmSync(path.join(project, 'node_modules'), { recursive: true }); // the bundle stands alone
  const bundled = (await run(process.execPath, [path.join(out, 'app.mjs')], { cwd: out })).stdout.trim().split('\n');
  assert.deepEqual(bundled, golden);
});

test('publint and @arethetypeswrong/cli pass on the tarball', { skip }, async () => {
  const tarball = path.join(DIST, readdirSync(DIST).find((f) => /^secmap-\d.*\.tgz$/.test(f)));
  const publint = await run(process.execPath, [path.join(JS, 'node_modules/publint/src/cli.js'), 'run', '--strict', tarball], {
    cwd: WORK,
  }).catch((e) => e);
  assert.equal(publint.code ?? 0, 0, `publint: ${publint.stdout}${publint.stderr}`);
  const attw = await run(
    process.execPath,
    [path.join(JS, 'node_modules/@arethetypeswrong/cli/dist/index.js'), tarball, '--profile', 'esm-only', '--format', 'ascii'],
    { cwd: WORK },
  ).catch((e) => e);
  assert.equal(attw.code ?? 0, 0, `attw: ${attw.stdout}${attw.stderr}`);
});

test('the Function app zip: host.json, the registration and its dependencies load from the zip alone', { skip }, async () => {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'secmap-function-')), 'app');
  mkdirSync(dir);
  await run('unzip', ['-q', path.join(DIST, 'secmap-azure-function.zip'), '-d', dir]);
  const host = JSON.parse(readFileSync(path.join(dir, 'host.json'), 'utf8'));
  assert.equal(host.version, '2.0');
  const probe = [
    "const m = await import('./src/functions/defender.js');",
    "if (m.defenderFunction.cardinality !== 'many') throw new Error('registration');",
    "const { transform } = await import('secmap');",
    "console.log(typeof transform);",
  ].join('\n');
  writeFileSync(path.join(dir, 'probe.mjs'), probe);
  const out = await run(process.execPath, ['probe.mjs'], { cwd: dir, env: { ...process.env, SECMAP_EVENTHUB_NAME: 'h' } });
  assert.equal(out.stdout.trim(), 'function');
  rmSync(path.dirname(dir), { recursive: true, force: true });
});

test('the Worker bundle: wrangler\'s output, the .wasm as its own module (run in workerd by hosts/cloudflare-worker/test/bundle.test.mjs)', { skip }, () => {
  const files = readdirSync(path.join(DIST, 'cloudflare-worker'));
  assert.ok(files.includes('index.js'), files.join(', '));
  assert.ok(files.some((f) => f.endsWith('secmap_wasm_bg.wasm')), files.join(', '));
  const entry = readFileSync(path.join(DIST, 'cloudflare-worker/index.js'), 'utf8');
  assert.match(entry, /secmap_wasm_bg\.wasm/);
});
