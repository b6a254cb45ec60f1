// js/scripts/serve-demo.mjs, the demo's static server (`cargo xtask web` and the browser
// test): files only from inside the folder, the right types, and the demo's security
// headers when run as `cargo xtask web` runs it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { CSP, serveStatic } from '../scripts/serve-demo.mjs';

const SCRIPT = fileURLToPath(new URL('../scripts/serve-demo.mjs', import.meta.url));
const parent = mkdtempSync(join(tmpdir(), 'secmap-serve-'));
const dir = join(parent, 'site');
let server;

before(async () => {
  mkdirSync(join(dir, 'sub'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<p>hi</p>');
  writeFileSync(join(dir, 'sub', 'a b.wasm'), Buffer.from([0, 97, 115, 109]));
  writeFileSync(join(dir, '.hidden'), 'secret');
  writeFileSync(join(parent, 'outside.txt'), 'outside');
  server = await serveStatic(dir);
});
after(async () => {
  await server?.close();
  rmSync(parent, { recursive: true, force: true });
});

const get = (path, init) => fetch(`${server.origin}${path}`, { redirect: 'manual', ...init });

test('files from the folder, with their types', async () => {
  let r = await get('/');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(await r.text(), '<p>hi</p>');
  r = await get('/index.html?x=1');
  assert.equal(r.status, 200);
  r = await get('/sub/a%20b.wasm');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/wasm');
  assert.deepEqual([...new Uint8Array(await r.arrayBuffer())], [0, 97, 115, 109]);
  r = await get('/sub');
  assert.equal(r.status, 301);
  assert.equal(r.headers.get('location'), '/sub/');
  assert.equal((await get('/sub/a%20b.wasm', { method: 'HEAD' })).status, 200);
});

test('nothing outside the folder, nothing hidden, only GET and HEAD', async () => {
  for (const path of ['/../outside.txt', '/%2e%2e/outside.txt', '/sub/..%2f..%2foutside.txt', '/.hidden', '/nope.js', '/%zz']) {
    const r = await get(path);
    assert.equal(r.status, 404, path);
    assert.equal(await r.text(), 'not found\n', path);
  }
  const r = await get('/', { method: 'POST', body: 'x' });
  assert.equal(r.status, 405);
  assert.equal(r.headers.get('allow'), 'GET, HEAD');
  // The test server is a plain host: no security headers unless asked.
  assert.equal((await get('/')).headers.get('content-security-policy'), null);
});

test('as `cargo xtask web` runs it: on 127.0.0.1, with the demo security headers', async () => {
  const child = spawn(process.execPath, [SCRIPT, dir, '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    const origin = await new Promise((resolve, reject) => {
      let err = '';
      child.stderr.on('data', (c) => {
        err += c;
        const m = /open (http:\/\/127\.0\.0\.1:\d+)\//.exec(err);
        if (m) resolve(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
    });
    const r = await fetch(`${origin}/`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-security-policy'), CSP);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
  } finally {
    child.kill();
  }
});

test('a bad port is a usage error', async () => {
  const child = spawn(process.execPath, [SCRIPT, dir, 'x'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (c) => (err += c));
  const code = await new Promise((resolve) => child.on('exit', resolve));
  assert.equal(code, 2);
  assert.match(err, /usage: node js\/scripts\/serve-demo\.mjs <dir> \[port\]/);
});
