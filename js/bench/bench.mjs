#!/usr/bin/env node
// The Node half of `cargo xtask bench`: the npm package `secmap` (wasm-bindgen), the
// component transpiled by jco, and a hand-written JavaScript mapper (./handwritten, what a
// team would write instead of using secmap), on the same input files as the Rust engines
// (target/bench/inputs, written by `secmap-bench inputs`), with the same method and the same
// result shape (see docs/performance.md and crates/bench/src/measure.rs). Runs marked
// `"input": "parsed"` hand every engine the files' `JSON.parse` instead of their bytes (AWS
// Lambda's event); parsing them is not timed.
//
//   node js/bench/bench.mjs --inputs target/bench/inputs --jco target/jco --out target/bench/node.json [--quick]
//
// Every engine and run is measured in a fresh child process (this script with --case), so
// that the peak RSS is its own and nothing is warm that should not be. No dependencies
// beyond the package itself.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const NPM_DIST = fileURLToPath(new URL('../secmap/dist/', import.meta.url));
const ENGINES = ['node-npm', 'node-jco', 'node-handwritten'];
/** Engines with a start-up measurement (the hand-written mapper has no wasm to load). */
const WASM_ENGINES = ['node-npm', 'node-jco'];
/** Providers the hand-written mapper implements. */
const HANDWRITTEN_PROVIDERS = ['guardduty', 'defender-for-cloud'];

function parseArgs(argv) {
  const args = { quick: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') args.quick = true;
    else if (['--inputs', '--jco', '--out', '--case', '--startup'].includes(a)) args[a.slice(2)] = argv[++i];
    else throw new Error(`unknown argument ${a}`);
  }
  for (const k of ['inputs', 'jco']) if (!args[k]) throw new Error(`--${k} is required`);
  args.inputs = resolve(args.inputs);
  args.jco = resolve(args.jco);
  return args;
}

// --- the method (as crates/bench/src/measure.rs) ---------------------------------------

function planFor(set, quick) {
  if (quick) return { warmupSecs: 0, minRounds: 1, minCalls: 1, minSecs: 0, maxCalls: 1 };
  const single = set.files.length > 1 && set.records / set.files.length <= 1;
  return { warmupSecs: 1, minRounds: 3, minCalls: single ? 1000 : 10, minSecs: 3, maxCalls: 2_000_000 };
}

/** Nearest-rank percentiles, as the Rust side. */
function summary(values) {
  const v = [...values].sort((a, b) => a - b);
  const n = v.length;
  if (n === 0) return { p50: null, p99: null, mean: null, min: null, max: null, samples: 0 };
  const rank = (p) => v[Math.min(Math.max(Math.ceil(p * n), 1), n) - 1];
  return { p50: rank(0.5), p99: rank(0.99), mean: v.reduce((a, b) => a + b, 0) / n, min: v[0], max: v[n - 1], samples: n };
}

const nowNs = () => process.hrtime.bigint();
let sink = 0;

function timeCase(engine, run, set, plan, call) {
  const n = set.files.length;
  // Validation pass: the event count of every input as the native core gave it.
  set.files.forEach((file, i) => {
    const events = call(i);
    if (events !== file.events) {
      throw new Error(`${engine} ${run}: ${file.path} gave ${events} events, the native core ${file.events}`);
    }
  });
  let warmupCalls = n;
  const start = nowNs();
  for (let i = 0; Number(nowNs() - start) / 1e9 < plan.warmupSecs; i++) {
    call(i % n);
    warmupCalls++;
  }
  const durations = [];
  let totalNs = 0n;
  let events = 0;
  let rounds = 0;
  for (;;) {
    for (let k = 0; k < n; k++) {
      const t = nowNs();
      const e = call(k);
      const d = nowNs() - t;
      events += e;
      totalNs += d;
      durations.push(Number(d) / 1e3);
    }
    rounds++;
    const seconds = Number(totalNs) / 1e9;
    const enough = rounds >= plan.minRounds && durations.length >= plan.minCalls && seconds >= plan.minSecs;
    if (enough || durations.length >= plan.maxCalls) break;
  }
  const seconds = Number(totalNs) / 1e9;
  const records = rounds * set.records;
  const bytes = rounds * set.bytes;
  return {
    engine,
    run,
    inputs: set.id,
    calls: durations.length,
    rounds,
    warmup_calls: warmupCalls,
    records,
    events,
    bytes,
    seconds,
    records_per_s: records / seconds,
    events_per_s: events / seconds,
    mb_per_s: bytes / 1e6 / seconds,
    latency_us: summary(durations),
    memory: { peak_rss_bytes: null, rss_before_bytes: null, wasm_memory_bytes: null },
  };
}

// --- the engines -----------------------------------------------------------------------

const encoder = new TextEncoder();

/**
 * `transform` of an engine: the payload in (bytes, or the parsed value), the request body
 * out, as the host would hand it to `fetch`; returns the event count.
 */
async function engineCall(engine, args) {
  if (engine === 'node-npm') {
    const { transform } = await import('secmap');
    return (provider, payload, options) => {
      // The body as the core wrote it, as bytes: nothing parsed or serialized again.
      const out = transform(provider, payload, options);
      sink += out.bodyBytes.length;
      return out.eventCount;
    };
  }
  if (engine === 'node-jco') {
    const { mapper } = await import(pathToFileURL(join(args.jco, 'secmap.js')).href);
    return (provider, payload, options) => {
      // The component takes bytes: a parsed payload is serialized first, as a host must.
      const bytes = payload instanceof Uint8Array ? payload : encoder.encode(JSON.stringify(payload));
      const out = mapper.transform(provider, bytes, options);
      sink += `[${out.events.join(',')}]`.length;
      return out.events.length;
    };
  }
  if (engine === 'node-handwritten') {
    const { transform } = await import('./handwritten/index.js');
    return (provider, payload, options) => {
      const out = transform(provider, payload, options);
      sink += out.body.length;
      return out.events;
    };
  }
  throw new Error(`unknown engine ${engine}`);
}

/** Whether `engine` can run `run` (the hand-written mapper has no `auto`). */
function supports(engine, set) {
  return engine !== 'node-handwritten' || HANDWRITTEN_PROVIDERS.includes(set.provider);
}

/** The npm package's wasm memory: wasm-bindgen's initSync returns the live instance's exports. */
async function npmWasmMemory() {
  const glue = await import(pathToFileURL(join(NPM_DIST, 'secmap_wasm.js')).href);
  return glue.initSync().memory.buffer.byteLength;
}

async function runCase(args) {
  const [engine, runId] = args.case.split(':');
  const manifest = JSON.parse(readFileSync(join(args.inputs, 'manifest.json'), 'utf8'));
  const run = manifest.runs.find((r) => r.id === runId);
  if (!run) throw new Error(`no run ${runId}`);
  const set = manifest.sets.find((s) => s.id === run.inputs);
  const payloads = set.files.map((f) => {
    const bytes = new Uint8Array(readFileSync(join(args.inputs, f.path)));
    if (bytes.length !== f.bytes) throw new Error(`${f.path}: ${bytes.length} bytes, manifest says ${f.bytes}`);
    return run.input === 'parsed' ? JSON.parse(new TextDecoder().decode(bytes)) : bytes;
  });
  const rssBefore = process.memoryUsage().rss;
  const call = await engineCall(engine, args);
  const result = timeCase(engine, run.id, set, planFor(set, args.quick), (i) => call(set.provider, payloads[i], run.options));
  result.memory.rss_before_bytes = rssBefore;
  result.memory.peak_rss_bytes = process.resourceUsage().maxRSS * 1024;
  if (engine === 'node-npm') result.memory.wasm_memory_bytes = await npmWasmMemory();
  return result;
}

/** One start-up sample, in a fresh process: `compile` or `load`. */
async function startupSample(args) {
  const [engine, what] = args.startup.split(':');
  const wasm = engine === 'node-npm' ? join(NPM_DIST, 'secmap_wasm_bg.wasm') : join(args.jco, 'secmap.core.wasm');
  const out = {};
  if (what === 'compile') {
    const bytes = readFileSync(wasm);
    let t = performance.now();
    const module = new WebAssembly.Module(bytes);
    out.compile_ms = performance.now() - t;
    if (engine === 'node-npm') {
      const glue = await import(pathToFileURL(join(NPM_DIST, 'secmap_wasm.js')).href);
      t = performance.now();
      glue.initSync({ module });
      out.instantiate_us = (performance.now() - t) * 1e3;
    }
  } else if (what === 'load') {
    const t = performance.now();
    let mappingVersion;
    if (engine === 'node-npm') {
      ({ mappingVersion } = await import('secmap'));
    } else {
      const { mapper } = await import(pathToFileURL(join(args.jco, 'secmap.js')).href);
      mappingVersion = () => mapper.mappingVersion();
    }
    out.load_ms = performance.now() - t;
    const empty = [];
    for (let i = 0; i < (args.quick ? 20 : 5500); i++) {
      const s = nowNs();
      sink += mappingVersion().length;
      if (i >= (args.quick ? 2 : 500)) empty.push(Number(nowNs() - s) / 1e3);
    }
    out.empty_call_us = empty;
  }
  return out;
}

// --- the driver ------------------------------------------------------------------------

function child(args, flag, value) {
  const argv = [SELF, flag, value, '--inputs', args.inputs, '--jco', args.jco];
  if (args.quick) argv.push('--quick');
  const stdout = execFileSync(process.execPath, argv, {
    cwd: fileURLToPath(new URL('.', import.meta.url)),
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 << 20,
    encoding: 'utf8',
  });
  return JSON.parse(stdout);
}

function startup(args, engine) {
  const samples = args.quick ? 1 : 5;
  const compile = [];
  const load = [];
  const instantiate = [];
  let empty = [];
  for (let i = 0; i < samples; i++) {
    const c = child(args, '--startup', `${engine}:compile`);
    compile.push(c.compile_ms);
    if (c.instantiate_us !== undefined) instantiate.push(c.instantiate_us);
    const l = child(args, '--startup', `${engine}:load`);
    load.push(l.load_ms);
    empty = empty.concat(l.empty_call_us);
  }
  const wasm = engine === 'node-npm' ? 'js/secmap/dist/secmap_wasm_bg.wasm' : 'target/jco/secmap.core.wasm';
  const notes = [
    `compile: new WebAssembly.Module(${wasm}) in a fresh process (V8 compiles lazily and tiers up later: the synchronous part)`,
    engine === 'node-npm'
      ? "load: import('secmap') in a fresh process (reads, compiles and instantiates the wasm)"
      : 'load: import of the jco output in a fresh process (compiles and instantiates the core wasm)',
    engine === 'node-npm'
      ? 'instantiate: initSync({ module }) with the compiled module, once per process (the package keeps one instance)'
      : 'instantiate: not measured separately (jco instantiates inside its module initialization; see load)',
    'empty call: mappingVersion()',
  ];
  return {
    engine,
    compile_ms: summary(compile),
    load_ms: summary(load),
    instantiate_us: instantiate.length ? summary(instantiate) : null,
    instantiate_drop_us: null,
    empty_call_us: summary(empty),
    notes,
  };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.case) {
    process.stdout.write(`${JSON.stringify(await runCase(args))}\n`);
    return;
  }
  if (args.startup) {
    process.stdout.write(`${JSON.stringify(await startupSample(args))}\n`);
    return;
  }
  const manifest = JSON.parse(readFileSync(join(args.inputs, 'manifest.json'), 'utf8'));
  const out = { node: process.version, results: [], startup: [] };
  for (const engine of WASM_ENGINES) out.startup.push(startup(args, engine));
  for (const run of manifest.runs) {
    const set = manifest.sets.find((s) => s.id === run.inputs);
    for (const engine of ENGINES.filter((e) => supports(e, set))) {
      const r = child(args, '--case', `${engine}:${run.id}`);
      const f = (x, d) => x.toFixed(d).padStart(10);
      console.error(
        `bench.mjs: ${engine.padEnd(9)} ${run.id.padEnd(24)} ${f(r.records_per_s, 1)} records/s ${f(r.mb_per_s, 2)} MB/s  p50 ${f(r.latency_us.p50, 1)} µs  p99 ${f(r.latency_us.p99, 1)} µs`,
      );
      out.results.push(r);
    }
  }
  const text = `${JSON.stringify(out, null, 2)}\n`;
  if (args.out) writeFileSync(args.out, text);
  else process.stdout.write(text);
}

main().catch((e) => {
  console.error(`bench.mjs: error: ${e.stack ?? e}`);
  process.exit(1);
});
