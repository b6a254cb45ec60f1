#!/usr/bin/env node
// Transpiles the import-free secmap component to an ES module with jco, for the Node
// conformance test (js/test/conformance.test.mjs).
//
//   node js/scripts/jco-transpile.mjs <component.wasm> <outDir>
//
// `cargo xtask build` runs it as `node js/scripts/jco-transpile.mjs dist/secmap.wasm target/jco`.
// The component imports nothing, so the output needs no preview2-shim. The entry is
// `<outDir>/secmap.js`, exporting `mapper` (`mapper.transform(provider, bytes, options)`).
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { transpile } from '@bytecodealliance/jco-transpile';

const [componentArg, outArg] = process.argv.slice(2);
if (!componentArg || !outArg) {
  console.error('usage: node js/scripts/jco-transpile.mjs <component.wasm> <outDir>');
  process.exit(2);
}
const component = resolve(componentArg);
const outDir = resolve(outArg);

const started = performance.now();
const { files, imports, exports } = await transpile(component, {
  name: 'secmap',
  outDir,
  emitTypescriptDeclarations: true,
  // jco-transpile 0.15 throws a `result::err` payload bare by default; keep jco's documented
  // shape instead: a thrown `ComponentError` whose `.payload` is the transform-error.
  noComponentErrorWrapping: false,
});
if (imports.length > 0) {
  console.error(`jco-transpile: the component imports ${imports.join(', ')}; expected none`);
  process.exit(1);
}

// Replace the whole directory so no stale file of an older component survives.
await rm(outDir, { recursive: true, force: true });
for (const [path, bytes] of Object.entries(files)) {
  const target = resolve(outDir, path);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, bytes);
}
// A stamp the conformance test uses to notice a component newer than its transpilation.
const source = await readFile(component);
await writeFile(
  join(outDir, 'source.json'),
  `${JSON.stringify({ component, bytes: source.length, exports: exports.map(([n]) => n) })}\n`,
);
const ms = Math.round(performance.now() - started);
console.error(
  `jco-transpile: ${Object.keys(files).length} files in ${outDir} (${ms} ms; exports ${exports
    .map(([n, k]) => `${n} (${k})`)
    .join(', ')})`,
);
