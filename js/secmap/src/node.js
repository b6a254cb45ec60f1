// Node: read the .wasm and instantiate it synchronously.
//
// Where the .wasm is: in the installed package, `../dist/` from this file. Bundlers that
// understand `new URL('<literal>', import.meta.url)` (webpack 5, Rollup/Vite with their
// asset handling, Parcel) copy that file and rewrite the URL. esbuild leaves the URL alone
// and `import.meta.url` becomes the bundle's: for it, copy `dist/secmap_wasm_bg.wasm` beside
// the bundle (ESM output), which the second URL finds. It is built from a non-literal on
// purpose, so that the bundlers above do not look for a file there at build time.
import { existsSync, readFileSync } from 'node:fs';
import { initSync } from '../dist/secmap_wasm.js';

const WASM = 'secmap_wasm_bg.wasm';
const packaged = new URL('../dist/secmap_wasm_bg.wasm', import.meta.url);
const beside = new URL(`./${WASM}`, import.meta.url);
const found = [packaged, beside].find((url) => url.protocol !== 'file:' || existsSync(url));
if (found === undefined) {
  throw new Error(
    `secmap: ${WASM} not found at ${packaged.pathname} nor ${beside.pathname}; ` +
      'when bundling, copy node_modules/secmap/dist/secmap_wasm_bg.wasm beside the bundle',
  );
}
initSync({ module: readFileSync(found) });

export * from './core.js';
