// Preload (`node --import`) that lets `fetch` read `file:` URLs, as a browser fetches the
// .wasm beside a module. Node 20's fetch has no `file:` support, so this is how the
// package's `browser` entry (which fetches `../dist/secmap_wasm_bg.wasm` relative to
// import.meta.url) can be loaded under Node in js/secmap/test/package.test.mjs. Only
// `file:` URLs are served here; everything else goes to the real fetch.
import { readFile } from 'node:fs/promises';

const realFetch = globalThis.fetch;
globalThis.fetchedFileUrls = [];

globalThis.fetch = async function fetchWithFiles(input, init) {
  const url = input instanceof URL ? input : typeof input === 'string' ? new URL(input, 'file:///') : null;
  if (url && url.protocol === 'file:') {
    globalThis.fetchedFileUrls.push(url.href);
    const bytes = await readFile(url);
    const type = url.pathname.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream';
    return new Response(bytes, { status: 200, headers: { 'content-type': type } });
  }
  return realFetch(input, init);
};
