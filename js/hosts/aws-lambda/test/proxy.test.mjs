// Behind an outbound proxy: with NODE_USE_ENV_PROXY=1 and HTTPS_PROXY/HTTP_PROXY (Node's own
// support, https://nodejs.org/api/cli.html#node_use_env_proxy1), the handler's fetch goes
// through the proxy; nothing in secmap needs to change. The same holds for the Function app.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startFakeIngest } from '../../../test-support/fake-ingest.mjs';

const TOKEN = 'dt0c01.PROXYTEST.s3cr3t-t0ken-value';
const FINDING = fileURLToPath(new URL('../../../../testdata/cases/guardduty/eks-multi-container.json', import.meta.url));
const HANDLER = new URL('../src/index.js', import.meta.url).href;

let fake;
let proxy;
const tunnels = [];

before(async () => {
  fake = await startFakeIngest({ token: TOKEN });
  // A CONNECT proxy, as corporate proxies are: it records where each tunnel goes.
  proxy = createServer((req, res) => res.writeHead(405).end());
  proxy.on('connect', (req, client, head) => {
    tunnels.push(req.url);
    const [host, port] = req.url.split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
});

after(async () => {
  proxy?.closeAllConnections?.();
  await new Promise((resolve) => proxy?.close(resolve));
  await fake?.close();
});

test('NODE_USE_ENV_PROXY=1 with HTTP_PROXY: every ingest request goes through the proxy', async () => {
  const script = [
    "import { readFileSync } from 'node:fs';",
    `const { handler } = await import(${JSON.stringify(HANDLER)});`,
    `const summary = await handler(JSON.parse(readFileSync(${JSON.stringify(FINDING)}, 'utf8')));`,
    'console.log(JSON.stringify(summary.events));',
  ].join('\n');
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    env: {
      PATH: process.env.PATH,
      NODE_USE_ENV_PROXY: '1',
      HTTP_PROXY: `http://127.0.0.1:${proxy.address().port}`,
      HTTPS_PROXY: `http://127.0.0.1:${proxy.address().port}`,
      DT_INGEST_URL: fake.url,
      DT_API_TOKEN: TOKEN,
      SECMAP_METRICS: 'false',
    },
    timeout: 30_000,
  });
  const events = JSON.parse(stdout.trim().split('\n').pop());
  assert.deepEqual(events, { mapped: 2, sent: 2, deadLettered: 0 });
  assert.equal(fake.events.length, 2);
  assert.ok(tunnels.length >= 1, 'the request went through the proxy');
  assert.equal(tunnels[0], new URL(fake.url).host);
});
