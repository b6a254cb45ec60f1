#!/usr/bin/env node
// A static file server on 127.0.0.1 for the browser demo's build (js-demo/dist): what
// `cargo xtask web` runs, and what the browser test serves the page with. HTTP itself is
// node:http's; this only maps paths to files inside the folder.
//
//   node js/scripts/serve-demo.mjs <dir> [port]     (port 0 picks a free one; default 8080)
//
// Run as a script it sends the security headers the demo recommends (js-demo/README.md);
// `serveStatic(dir)` without `headers` is a plain host, as the test wants it.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
};

/** The policy the page also declares in a `<meta>` tag; as a header it also covers the worker. */
export const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; " +
  "img-src 'self' blob:; style-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; " +
  "form-action 'none'; frame-ancestors 'none'";

/** The response headers `cargo xtask web` sends with every file. */
export const DEMO_HEADERS = {
  'cache-control': 'no-cache',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'content-security-policy': CSP,
};

export const mimeOf = (file) =>
  MIME[extname(file)] ?? (file.endsWith(`${sep}LICENSE`) ? 'text/plain; charset=utf-8' : 'application/octet-stream');

/**
 * Where a request path leads inside `root`, or null: no `..`, no hidden files, no NUL or
 * backslash (so nothing outside the folder is ever read).
 */
export function fileFor(root, pathname) {
  let decoded;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  const segments = decoded.split('/').filter((s) => s !== '' && s !== '.');
  if (!decoded.startsWith('/') || segments.some((s) => s === '..' || s.startsWith('.') || /[\\\0]/.test(s))) {
    return null;
  }
  return join(root, ...segments);
}

/**
 * Serves `dir` on 127.0.0.1 (`port` 0: any free one): GET and HEAD, `index.html` for a
 * folder, 301 to add a folder's trailing slash, 404 for anything else. `requests` logs
 * every request it saw; `headers` go with every response.
 */
export async function serveStatic(dir, { port = 0, headers = {}, log } = {}) {
  const root = resolve(dir);
  const requests = [];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    requests.push({ method: req.method, path: url.pathname });
    const reply = (status, extra = {}, body) => {
      log?.(`${req.method} ${url.pathname} ${status}`);
      res.writeHead(status, { ...headers, ...extra }).end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return reply(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }, 'only GET and HEAD\n');
    }
    let file = fileFor(root, url.pathname);
    if (file === null) return reply(404, { 'content-type': 'text/plain' }, 'not found\n');
    try {
      if ((await stat(file)).isDirectory()) {
        if (!url.pathname.endsWith('/')) return reply(301, { location: `${url.pathname}/` });
        file = join(file, 'index.html');
      }
      reply(200, { 'content-type': mimeOf(file) }, await readFile(file));
    } catch {
      reply(404, { 'content-type': 'text/plain' }, 'not found\n');
    }
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', ok);
  });
  const address = server.address();
  return {
    origin: `http://127.0.0.1:${address.port}`,
    requests,
    close: () => new Promise((ok) => server.close(ok)),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [dir, portArg = '8080'] = process.argv.slice(2);
  const port = Number(portArg);
  if (!dir || !Number.isInteger(port) || port < 0 || port > 65535) {
    console.error('usage: node js/scripts/serve-demo.mjs <dir> [port]');
    process.exit(2);
  }
  try {
    const { origin } = await serveStatic(dir, { port, headers: DEMO_HEADERS, log: (l) => console.error(l) });
    console.error(`\n  secmap demo: open ${origin}/ in a browser\n  (serving ${dir} on 127.0.0.1 only; Ctrl+C to stop)\n`);
  } catch (e) {
    console.error(`cannot listen on 127.0.0.1:${port}: ${e.message} (set SECMAP_WEB_PORT=<port> to use another)`);
    process.exit(1);
  }
}
