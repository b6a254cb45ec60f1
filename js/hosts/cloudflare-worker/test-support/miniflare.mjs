// Test helper (not a test): runs a Worker script in workerd through miniflare 4, on
// 127.0.0.1, resolving bare imports (`secmap`, `secmap/forward`) through the packages'
// `exports` with the `workerd` condition, as wrangler's bundler does in production.
//
// miniflare's own module collection (`modules: true` + `scriptPath`) only follows relative
// imports, so this lists every module explicitly: each file under its path relative to the
// workspace root, plus one tiny re-export module per bare specifier, named by the specifier next to the
// importing module (that is where workerd looks it up).
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';

/** The npm workspace root (js/). */
export const WORKSPACE = path.resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const WORKER_ENTRY = path.join(WORKSPACE, 'hosts/cloudflare-worker/src/index.js');

const CONDITIONS = ['workerd', 'worker', 'browser', 'import', 'default'];
const IMPORT_RE = /(?:^|[;\s])(?:import|export)\s*(?:[\w*{}\s,$]*?\bfrom\s*)?['"]([^'"\n]+)['"]/g;

function pickExport(target) {
  if (typeof target === 'string') return target;
  if (target && typeof target === 'object') {
    for (const [cond, sub] of Object.entries(target)) {
      if (CONDITIONS.includes(cond)) {
        const found = pickExport(sub);
        if (found) return found;
      }
    }
  }
  return undefined;
}

function resolveBare(spec, fromDir) {
  const parts = spec.split('/');
  const name = spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  const subpath = '.' + spec.slice(name.length);
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const pkgDir = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(pkgDir, 'package.json'))) {
      const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
      const target = pickExport(pkg.exports?.[subpath] ?? (subpath === '.' ? pkg.exports : undefined));
      if (!target) throw new Error(`${spec}: no export for the workerd conditions`);
      return path.join(pkgDir, target);
    }
    if (dir === path.dirname(dir)) throw new Error(`cannot resolve ${spec} from ${fromDir}`);
  }
}

/** The explicit miniflare module list for `entry` (the entry first). */
export function collectModules(entry, root = WORKSPACE) {
  const modules = [];
  const seen = new Set();
  const name = (file) => path.relative(root, file).split(path.sep).join('/');
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    if (file.endsWith('.wasm')) {
      modules.push({ type: 'CompiledWasm', path: file, contents: readFileSync(file) });
      return;
    }
    const code = readFileSync(file, 'utf8');
    modules.push({ type: 'ESModule', path: file, contents: code });
    for (const [, spec] of code.matchAll(IMPORT_RE)) {
      if (spec.startsWith('.') || spec.startsWith('/')) {
        visit(path.resolve(path.dirname(file), spec));
      } else if (!spec.startsWith('cloudflare:') && !spec.startsWith('node:')) {
        // workerd looks a bare specifier up next to the importing module.
        const target = resolveBare(spec, path.dirname(file));
        const shim = path.join(path.dirname(file), spec);
        if (!seen.has(shim)) {
          seen.add(shim);
          let rel = path.posix.relative(path.posix.dirname(name(shim)), name(target));
          if (!rel.startsWith('.')) rel = './' + rel;
          modules.push({ type: 'ESModule', path: shim, contents: `export * from ${JSON.stringify(rel)};\n` });
        }
        visit(target);
      }
    }
  };
  visit(entry);
  return modules;
}

/**
 * Starts `script` (default: the production Worker) in workerd on 127.0.0.1.
 * @returns {Promise<{ url: URL, mf: Miniflare, logs: () => string, dispose: () => Promise<void> }>}
 */
export async function startWorker({ script = WORKER_ENTRY, bindings = {}, ...rest } = {}) {
  let out = '';
  const collect = (stream) => stream.on('data', (chunk) => (out += chunk.toString()));
  const mf = new Miniflare({
    host: '127.0.0.1',
    port: 0,
    modules: collectModules(script),
    modulesRoot: WORKSPACE,
    compatibilityDate: '2025-09-01',
    bindings,
    handleRuntimeStdio(stdout, stderr) {
      collect(stdout);
      collect(stderr);
    },
    ...rest,
  });
  const url = await mf.ready;
  return { url, mf, logs: () => out, dispose: () => mf.dispose() };
}
