// Support for js/test/demo.test.mjs: the static build of the browser demo (js-demo/dist, by
// xtask), the static server of js/scripts/serve-demo.mjs on 127.0.0.1, Debian's Chromium through
// playwright-core, reading a screenshot's pixels, and a generated mixed batch of findings.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
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

/**
 * Builds js-demo/dist with `cargo xtask web --no-serve`: the one build of the demo, the
 * function `cargo xtask build` and `cargo xtask web` use too (xtask/src/web.rs), so the test
 * serves exactly what a user hosts. The package's wasm must have been built (`cargo xtask
 * build`); if it is missing, xtask builds it.
 */
export function buildDemo() {
  const cargo = process.env.CARGO ?? 'cargo';
  const r = spawnSync(cargo, ['xtask', 'web', '--no-serve'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error(`\`cargo xtask web --no-serve\` failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stderr}`);
  }
  // Its summary line, and any warning (e.g. the package's wasm is older than its sources).
  return r.stderr.split('\n').filter((l) => l.startsWith('demo: ') || l.startsWith('warning:')).join('\n');
}

/** Every file of the static build, as URL paths ("/", "/index.html", "/vendor/…"). */
export function distPaths() {
  const paths = new Set(['/']);
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else paths.add(`/${relative(DEMO_DIST, p).split(sep).join('/')}`);
    }
  };
  walk(DEMO_DIST);
  return paths;
}

/** A plain static file server for a folder (no special headers), as any web host would be. */
export { serveStatic } from '../scripts/serve-demo.mjs';

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

/**
 * How many pixels of a PNG (a Playwright screenshot) lie within `tolerance` (per channel)
 * of `rgb`. Decoded by Chromium itself in a blank page of `context`, so no PNG decoder is
 * needed and the page under test is left alone.
 */
export async function pixels(context, png, rgb, tolerance = 40) {
  const blank = await context.newPage();
  try {
    return await blank.evaluate(async ({ b64, rgb: [r, g, b], tolerance: t }) => {
      const bin = atob(b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const cx = canvas.getContext('2d');
      cx.drawImage(bitmap, 0, 0);
      const { data } = cx.getImageData(0, 0, bitmap.width, bitmap.height);
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (Math.abs(data[i] - r) <= t && Math.abs(data[i + 1] - g) <= t && Math.abs(data[i + 2] - b) <= t) n++;
      }
      return { matching: n, total: data.length / 4 };
    }, { b64: png.toString('base64'), rgb, tolerance });
  } finally {
    await blank.close();
  }
}
