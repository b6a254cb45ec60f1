// Support for js/test/demo.test.mjs: the static build of the browser demo (js-demo/dist),
// a node:http static server for it on 127.0.0.1, Debian's Chromium through playwright-core,
// and a generated mixed batch of findings.
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEMO_SRC = join(REPO_ROOT, 'js-demo/src');
export const DEMO_DIST = join(REPO_ROOT, 'js-demo/dist');
export const CHROMIUM = '/usr/bin/chromium';
/** The flags of the toolchain notes (Path 6: Debian chromium + playwright-core); Playwright adds headless. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The package files of the static build: js-demo/vendor.txt, as xtask/src/web.rs reads it. */
function vendorFiles() {
  return readFileSync(join(REPO_ROOT, 'js-demo/vendor.txt'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(/\s+/));
}

/** Each file of the static build and where it comes from (what `cargo xtask web` copies). */
function expectedFiles() {
  const files = new Map();
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else files.set(relative(DEMO_SRC, p).split(sep).join('/'), p);
    }
  };
  walk(DEMO_SRC);
  for (const [from, to] of vendorFiles()) files.set(to, join(REPO_ROOT, from));
  return files;
}

/** Why js-demo/dist is missing or differs from its sources, or null when it is current. */
function staleness() {
  for (const [rel, source] of expectedFiles()) {
    const built = join(DEMO_DIST, rel);
    if (!existsSync(built)) return `${rel} is missing`;
    if (statSync(built).size !== statSync(source).size || !readFileSync(built).equals(readFileSync(source))) {
      return `${rel} differs from ${relative(REPO_ROOT, source)}`;
    }
  }
  return null;
}

/**
 * Makes sure js-demo/dist is the current static build of js-demo/src and the package, as
 * `cargo xtask build` and `cargo xtask web --no-serve` leave it. If it is missing or out of
 * date, builds it the same way (byte-for-byte copies of the same files, beside the old
 * folder, then swapped in). The package's wasm must have been built (`cargo xtask build`).
 */
export function ensureDemoDist() {
  const why = staleness();
  if (!why) return { rebuilt: false };
  const files = expectedFiles();
  for (const source of files.values()) {
    if (!existsSync(source)) {
      throw new Error(`${relative(REPO_ROOT, source)} is missing: run \`cargo xtask build\``);
    }
  }
  const tmp = join(REPO_ROOT, 'js-demo/.dist-tmp');
  rmSync(tmp, { recursive: true, force: true });
  for (const [rel, source] of files) {
    mkdirSync(dirname(join(tmp, rel)), { recursive: true });
    copyFileSync(source, join(tmp, rel));
  }
  rmSync(DEMO_DIST, { recursive: true, force: true });
  renameSync(tmp, DEMO_DIST);
  return { rebuilt: true, why };
}

/** Every file of the static build, as URL paths ("/index.html", "/vendor/…"). */
export function distPaths() {
  return new Set(['/', ...[...expectedFiles().keys()].map((p) => `/${p}`)]);
}

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/**
 * A plain static file server for `dir` on 127.0.0.1 (any port), as any web host would
 * be: no special headers. `requests` logs every request it saw.
 */
export async function serveStatic(dir) {
  const requests = [];
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    requests.push({ method: req.method, path });
    const file = normalize(join(dir, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(join(dir, sep)) || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/**
 * Launches Debian's Chromium with a temporary profile, keeping its XDG config and cache
 * writes inside the same temporary folder. Returns {context, close}.
 */
export async function launchChromium({ viewport = { width: 1366, height: 768 } } = {}) {
  const { chromium } = await import('playwright-core');
  const scratch = await mkdtemp(join(tmpdir(), 'secmap-demo-'));
  const env = {
    ...process.env,
    HOME: scratch,
    XDG_CONFIG_HOME: join(scratch, 'config'),
    XDG_CACHE_HOME: join(scratch, 'cache'),
    XDG_DATA_HOME: join(scratch, 'data'),
  };
  await Promise.all(['config', 'cache', 'data', 'profile'].map((d) => mkdir(join(scratch, d))));
  const context = await chromium.launchPersistentContext(join(scratch, 'profile'), {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    env,
    headless: true,
    viewport,
    acceptDownloads: true,
    timeout: 30_000,
  });
  return {
    context,
    scratch,
    close: async () => {
      await context.close().catch(() => {});
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

/**
 * A JSON array of about `targetBytes` bytes mixing every bundled example's records
 * (Defender sub-assessments with findings, healthy ones and a secure score, GuardDuty
 * EventBridge events and bare findings), each copy with its own ids, plus one record of
 * no provider every 500 records (rejected).
 */
export function mixedBatch(providers, targetBytes) {
  const records = [];
  for (const p of providers) {
    for (const ex of p.examples) {
      const v = JSON.parse(ex.payload);
      for (const r of Array.isArray(v) ? v : [v]) records.push(JSON.stringify(r));
    }
  }
  const parts = [];
  let size = 2;
  for (let i = 0; size < targetBytes; i++) {
    let s;
    if (i % 500 === 499) s = JSON.stringify({ note: `not a finding ${i}` });
    else s = records[i % records.length].replaceAll('"id":"', `"id":"copy${i}-`);
    // Event Hubs string elements stay strings (holding JSON), as Event Hubs delivers them.
    if (s.startsWith('"')) s = JSON.stringify(JSON.parse(s).replaceAll('"id":"', `"id":"copy${i}-`));
    parts.push(s);
    size += s.length + 2;
  }
  return `[\n${parts.join(',\n')}\n]\n`;
}
