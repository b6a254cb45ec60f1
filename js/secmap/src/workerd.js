// Cloudflare Workers (workerd): a .wasm import is a compiled WebAssembly.Module.
import wasmModule from '../dist/secmap_wasm_bg.wasm';
import { initSync } from '../dist/secmap_wasm.js';

initSync({ module: wasmModule });

export * from './core.js';
