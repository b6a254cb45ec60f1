// Browsers (and other fetch-capable runtimes): fetch the .wasm beside this module.
import init from '../dist/secmap_wasm.js';

await init({ module_or_path: new URL('../dist/secmap_wasm_bg.wasm', import.meta.url) });

export * from './core.js';
