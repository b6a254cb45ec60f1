// Node: read the .wasm next to this package and instantiate it synchronously.
import { readFileSync } from 'node:fs';
import { initSync } from '../dist/secmap_wasm.js';

initSync({ module: readFileSync(new URL('../dist/secmap_wasm_bg.wasm', import.meta.url)) });

export * from './core.js';
