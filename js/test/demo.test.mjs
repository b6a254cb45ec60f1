// The browser demo (js-demo/) in Debian's Chromium, driven by playwright-core.
//
// js-demo/dist (the static build: `cargo xtask build` or `cargo xtask web --no-serve`; rebuilt
// here the same way when it is missing or out of date) is served by a plain node:http server
// on 127.0.0.1. Expected values come from the npm package's `transform` in Node, with the
// page's default options. Skipped only when SECMAP_SKIP_BROWSER=1.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { SecmapError, eventsToJson, mappingVersion, providers, transform } from 'secmap';
import {
  CHROMIUM,
  DEMO_DIST,
  REPO_ROOT,
  distPaths,
  ensureDemoDist,
  launchChromium,
  mixedBatch,
  serveStatic,
} from '../test-support/demo-support.mjs';

const SKIP = process.env.SECMAP_SKIP_BROWSER === '1' ? 'SECMAP_SKIP_BROWSER=1: browser tests skipped' : false;
/** The page's defaults: original content on, unread fields reported. */
const PAGE_OPTIONS = { originalContent: true, reportUnmapped: true, skipSampleFindings: false };
const SCREENSHOTS = join(REPO_ROOT, 'target/demo');
const EXAMPLES = providers().flatMap((p) => p.examples.map((ex) => ({ provider: p.id, ...ex })));

const ndjson = (events) => events.map((e) => `${JSON.stringify(e)}\n`).join('');
const num = (text) => Number(text.replace(/[^0-9]/g, ''));

/** What the table shows of an event (the page's key fields). */
function keyFields(ev) {
  return {
    type: ev['event.type'],
    objectName: ev['object.name'] ?? ev['object.id'] ?? '–',
    objectType: ev['object.type'] ?? '',
    objectId: ev['object.id'] ?? null,
    level: ev['dt.security.risk.level'] ?? 'no level',
    score: ev['dt.security.risk.score'] === undefined ? '–' : String(ev['dt.security.risk.score']),
    title: ev['finding.title'] ?? ev['scan.name'] ?? ev['event.name'],
  };
}

/** The rows of the events table as key fields. */
function tableRows(page) {
  return page.$$eval('#events-body tr', (rows) =>
    rows.map((tr) => {
      const cell = (c) => tr.querySelector(`td[data-col="${c}"]`);
      return {
        type: cell('type').textContent.trim(),
        objectName: cell('object').querySelector('.obj-name').textContent,
        objectType: cell('object').querySelector('.obj-type').textContent,
        objectId: cell('object').getAttribute('title'),
        level: cell('level').textContent.replace(/^[^A-Za-z]+/, '').trim(),
        score: cell('score').textContent.trim(),
        title: cell('title').querySelector('.title-text').textContent,
      };
    }),
  );
}

/** Runs `action` and waits until the page finished the mapping run it started. */
async function mapped(page, action, timeout = 30_000) {
  const before = Number((await page.getAttribute('#results', 'data-run')) ?? 0);
  await action();
  await page.waitForFunction(
    (b) => {
      const r = document.getElementById('results');
      return Number(r.dataset.run ?? 0) > b && ['done', 'failed'].includes(r.dataset.state);
    },
    before,
    { timeout },
  );
  return page.getAttribute('#results', 'data-state');
}

async function stats(page) {
  const out = {};
  for (const key of ['records', 'events', 'mapped', 'skipped', 'rejected', 'warnings']) {
    out[key] = num(await page.textContent(`#summary [data-stat="${key}"] .value`));
  }
  return out;
}

function expectedStats(out) {
  const by = (o) => out.outcomes.filter((x) => x.outcome === o).length;
  return {
    records: out.outcomes.length,
    events: out.events.length,
    mapped: by('mapped'),
    skipped: by('skipped'),
    rejected: by('rejected'),
    warnings: out.warnings.length,
  };
}

async function download(page, button) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
  return { name: dl.suggestedFilename(), bytes: await readFile(await dl.path()) };
}

describe('browser demo (js-demo) in Chromium', { skip: SKIP, timeout: 180_000 }, () => {
  let server;
  let browser;
  let page;
  const problems = [];
  const requests = [];

  before(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: install Debian's chromium (\`cargo xtask setup\`), or set SECMAP_SKIP_BROWSER=1`);
    }
    const built = ensureDemoDist();
    if (built.rebuilt) console.log(`rebuilt js-demo/dist: ${built.why}`);
    server = await serveStatic(DEMO_DIST);
    browser = await launchChromium();
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
    });
    browser.context.on('request', (r) => requests.push(r.url()));
    await page.goto(`${server.origin}/`);
    await page.waitForFunction(() => !document.getElementById('run').disabled, null, { timeout: 20_000 });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('loads the mapper in a worker and lists every bundled example from providers()', async () => {
    const options = await page.$$eval('#example option', (os) => os.filter((o) => o.value).map((o) => [o.value, o.textContent]));
    assert.deepEqual(options, EXAMPLES.map((ex) => [`${ex.provider}/${ex.name}`, ex.title]));
    assert.match(await page.textContent('#version'), new RegExp(`Mapping version ${mappingVersion().replaceAll('.', '\\.')}`));
    const providerOptions = await page.$$eval('#provider option', (os) => os.map((o) => o.value));
    assert.deepEqual(providerOptions, ['auto', ...providers().map((p) => p.id)]);
    assert.equal(await page.evaluate(() => typeof window.transform), 'undefined');
  });

  for (const ex of EXAMPLES) {
    it(`example ${ex.provider}/${ex.name}: event count and key fields`, async () => {
      const want = transform('auto', ex.payload, PAGE_OPTIONS);
      assert.equal(await mapped(page, () => page.selectOption('#example', `${ex.provider}/${ex.name}`)), 'done');
      // Shown indented (the bundled text has no whitespace), the same JSON; the events below
      // are those of the bundled text.
      const shown = await page.inputValue('#payload');
      assert.ok(shown.split('\n').length > 5, 'the example is indented');
      assert.deepEqual(JSON.parse(shown), JSON.parse(ex.payload));
      assert.deepEqual(await stats(page), expectedStats(want));
      assert.deepEqual(await tableRows(page), want.events.map(keyFields));
      // Records: one row per outcome, in order.
      const outcomes = await page.$$eval('#records-body tr', (rows) => rows.map((r) => r.dataset.outcome));
      assert.deepEqual(outcomes, want.outcomes.map((o) => o.outcome));
      // Unread fields: the union over all records.
      const unread = new Set(want.outcomes.flatMap((o) => o.unmapped ?? []));
      const paths = await page.$$eval('#unread-body tr td:first-child', (tds) => tds.map((td) => td.textContent));
      assert.deepEqual(new Set(paths), unread);
      // The full JSON view holds exactly the events.
      await page.click('#tab-json');
      await page.waitForFunction(() => document.getElementById('json-view').textContent.length > 2);
      assert.deepEqual(JSON.parse(await page.textContent('#json-view')), want.events);
      await page.click('#tab-table');
      // The download is the exact request body.
      const dl = await download(page, '#download-json');
      assert.equal(dl.name, `${ex.name}.events.json`);
      assert.equal(dl.bytes.toString('utf8'), eventsToJson(want.events));
    });
  }

  it('screenshots of one Defender and one GuardDuty example (target/demo)', async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    await mapped(page, () => page.selectOption('#example', 'guardduty/eks-runtime-multi-container'));
    await page.screenshot({ path: join(SCREENSHOTS, 'screenshot-guardduty.png') });
    await mapped(page, () => page.selectOption('#example', 'defender-for-cloud/event-hubs-batch'));
    const path = join(SCREENSHOTS, 'screenshot.png');
    await page.screenshot({ path });
    assert.ok((await readFile(path)).length > 10_000);
  });

  it('by keyboard: example picker, tabs, event view, copy to the clipboard', async () => {
    // Tab order: the input controls, then the results (the last run: Defender's event-hubs-batch).
    const last = expectedStats(transform('auto', EXAMPLES.find((e) => e.name === 'event-hubs-batch').payload, PAGE_OPTIONS));
    const statButtons = ['mapped', 'skipped', 'rejected', 'warnings'].filter((k) => last[k] > 0).map((k) => `stat:${k}`);
    const expected = [
      'provider', 'example', 'open-file', 'payload', 'opt-original', 'opt-unmapped', 'opt-skip-samples', 'opt-now',
      'run', ...statButtons, 'copy-json', 'copy-ndjson', 'download-json', 'download-ndjson', 'tab-table',
    ];
    await page.focus('#provider');
    const order = ['provider'];
    while (order.length < expected.length) {
      await page.keyboard.press('Tab');
      order.push(await page.evaluate(() => {
        const el = document.activeElement;
        return el.id || `stat:${el.closest('[data-stat]')?.dataset.stat}`;
      }));
    }
    assert.deepEqual(order, expected);
    // Focus is visible.
    const outline = await page.evaluate(() => {
      const s = getComputedStyle(document.activeElement);
      return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
    });
    assert.notEqual(outline.style, 'none');
    assert.ok(outline.width >= 2, `outline ${outline.width}px`);

    // Pick an example with the arrow keys.
    await page.selectOption('#example', '');
    await page.focus('#example');
    assert.equal(await mapped(page, () => page.keyboard.press('ArrowDown')), 'done');
    const first = EXAMPLES[0];
    assert.equal(await page.inputValue('#example'), `${first.provider}/${first.name}`);
    const want = transform('auto', first.payload, PAGE_OPTIONS);

    // Tabs: arrows, Home and End move the selection and the focus.
    await page.focus('#tab-table');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.getAttribute('#tab-json', 'aria-selected'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-json');
    assert.equal(await page.isVisible('#panel-json'), true);
    await page.keyboard.press('End');
    assert.equal(await page.getAttribute('#tab-unread', 'aria-selected'), 'true');
    await page.keyboard.press('Home');
    assert.equal(await page.getAttribute('#tab-table', 'aria-selected'), 'true');
    assert.equal(await page.isVisible('#panel-json'), false);

    // An event's JSON in a dialog; Escape closes it and focus returns.
    await page.focus('#events-body tr:first-child button');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#detail[open]');
    assert.deepEqual(JSON.parse(await page.textContent('#detail-json')), want.events[0]);
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.getElementById('detail').open);
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Event 1 as JSON');

    // Copy NDJSON with the keyboard.
    await page.focus('#copy-ndjson');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('Copied'));
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), ndjson(want.events));
  });

  it('options reach the mapper: now, original content, an invalid option', async () => {
    const ex = EXAMPLES.find((e) => e.provider === 'guardduty');
    await mapped(page, () => page.selectOption('#example', `${ex.provider}/${ex.name}`));
    const now = '2026-01-01T00:00:00Z';
    await mapped(page, () => page.check('#opt-now'));
    await mapped(page, async () => {
      await page.fill('#opt-now-value', now);
      await page.locator('#opt-now-value').blur();
    });
    await mapped(page, () => page.uncheck('#opt-original'));
    const want = transform('auto', ex.payload, { ...PAGE_OPTIONS, now, originalContent: false });
    assert.equal((await download(page, '#download-ndjson')).bytes.toString('utf8'), ndjson(want.events));
    assert.equal(want.events[0].timestamp, now);

    assert.equal(await mapped(page, async () => {
      await page.fill('#opt-now-value', 'yesterday');
      await page.locator('#opt-now-value').blur();
    }), 'failed');
    assert.match(await page.textContent('#error'), /invalid-options.*option `now` is not an RFC 3339 timestamp/);
    await page.fill('#opt-now-value', '');
    await page.uncheck('#opt-now');
    await mapped(page, () => page.check('#opt-original'));
  });

  it('malformed JSON shows its line and column', async () => {
    const bad = '{\n  "detail-type": "GuardDuty Finding",\n  "detail": {"severity": 8,, "id": "x"}\n}\n';
    let err;
    try {
      transform('auto', bad, PAGE_OPTIONS);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof SecmapError && err.code === 'invalid-json' && err.line === 3, String(err));
    await page.fill('#payload', bad);
    assert.equal(await mapped(page, () => page.press('#payload', 'Control+Enter')), 'failed');
    const box = page.locator('#error');
    assert.equal(await box.getAttribute('role'), 'alert');
    const text = await box.textContent();
    assert.match(text, /invalid-json/);
    assert.ok(text.includes(err.detail), text);
    assert.ok(text.includes(`Line ${err.line}, column ${err.column}`), text);
    // The offending line, a caret under the column.
    const context = await page.textContent('.error-context');
    const [line, caret] = context.split('\n');
    assert.equal(line.slice(line.indexOf('│ ') + 2), bad.split('\n')[err.line - 1]);
    assert.equal(caret.indexOf('^') - caret.indexOf('│ ') - 2, err.column - 1);
    assert.match(await page.textContent('#status'), new RegExp(`line ${err.line}, column ${err.column}`));
    // "Show in the editor" selects the position.
    await page.click('#error button');
    const sel = await page.evaluate(() => [document.activeElement.id, document.activeElement.selectionStart]);
    const lines = bad.split('\n');
    const offset = lines.slice(0, err.line - 1).reduce((n, l) => n + l.length + 1, 0) + err.column - 1;
    assert.deepEqual(sel, ['payload', offset]);
  });

  it('rejected records show their error with pointer and line', async () => {
    const nd = `${EXAMPLES.find((e) => e.name === 'bare-finding-ec2').payload.replace(/\s*\n\s*/g, ' ')}\n{"severity": 5,}\n[1]\n`;
    const want = transform('auto', nd, PAGE_OPTIONS);
    assert.equal(await mapped(page, () => page.fill('#payload', nd).then(() => page.click('#run'))), 'done');
    assert.deepEqual(await stats(page), expectedStats(want));
    await page.click('#summary [data-stat="rejected"] button');
    assert.equal(await page.getAttribute('#tab-records', 'aria-selected'), 'true');
    await page.waitForFunction(() => [...document.querySelectorAll('#records-body tr')].every((r) => r.dataset.outcome === 'rejected'));
    const rows = await page.$$eval('#records-body tr', (trs) => trs.map((tr) => tr.textContent));
    const rejected = want.outcomes.filter((o) => o.outcome === 'rejected');
    assert.equal(rows.length, rejected.length);
    rejected.forEach((o, i) => {
      assert.ok(rows[i].includes(o.error.code) && rows[i].includes(o.error.message), rows[i]);
      assert.ok(rows[i].includes(`line ${o.line}`), rows[i]);
      if (o.error.column !== undefined) assert.ok(rows[i].includes(`column ${o.error.column}`), rows[i]);
    });
    await page.selectOption('#filter-outcome', '');
    await page.click('#tab-table');
  });

  it('a ~10 MB mixed batch maps in the worker while the page stays responsive', async () => {
    const batch = mixedBatch(providers(), 10_000_000);
    const want = transform('auto', batch, PAGE_OPTIONS);
    assert.ok(want.outcomes.some((o) => o.outcome === 'rejected') && want.outcomes.some((o) => o.outcome === 'skipped'));
    // Opened from disk, as a user would (a buffer would be decoded by Playwright in the page).
    const file = join(browser.scratch, 'mixed-batch.json');
    await writeFile(file, batch);
    // A heartbeat on the main thread: frames keep coming (counted while the worker reads and
    // maps); the longest gap between two, in all and while the worker works.
    await page.evaluate(() => {
      const hb = (window.__heartbeat = { frames: 0, framesWorking: 0, maxGap: 0, maxGapWorking: 0, last: performance.now() });
      const tick = (t) => {
        const gap = t - hb.last;
        hb.maxGap = Math.max(hb.maxGap, gap);
        const stage = document.querySelector('#stages [aria-current]')?.dataset.stage;
        if (stage === 'reading' || stage === 'mapping') {
          hb.maxGapWorking = Math.max(hb.maxGapWorking, gap);
          hb.framesWorking++;
        }
        hb.last = t;
        hb.frames++;
        if (!hb.stop) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      // What the page looked like when it handled the click below.
      document.getElementById('tab-records').addEventListener('click', () => {
        window.__click = {
          state: document.getElementById('results').dataset.state,
          stage: document.querySelector('#stages [aria-current]')?.dataset.stage,
          progressShown: !document.getElementById('progress').hidden,
          status: document.getElementById('status').textContent,
        };
      }, { once: true });
    });
    const started = Date.now();
    let selected;
    const state = await mapped(page, async () => {
      await page.setInputFiles('#file', file);
      await page.waitForSelector('#stages li[data-stage="mapping"][data-state="active"]');
      // A real click (the browser's input pipeline) is handled while the worker maps.
      await page.click('#tab-records');
      selected = await page.getAttribute('#tab-records', 'aria-selected');
      await page.click('#tab-table');
    }, 60_000);
    const elapsed = Date.now() - started;
    const hb = await page.evaluate(() => Object.assign(window.__heartbeat, { stop: true }));
    assert.equal(state, 'done');
    assert.equal(selected, 'true');
    assert.deepEqual(await page.evaluate(() => window.__click), {
      state: 'busy',
      stage: 'mapping',
      progressShown: true,
      status: 'Mapping 10.0 MB in the worker…',
    });
    assert.ok(hb.framesWorking >= 5, `${hb.framesWorking} frames while the worker read and mapped`);
    assert.ok(hb.maxGapWorking < 500, `the main thread stalled ${Math.round(hb.maxGapWorking)} ms while the worker mapped`);
    assert.ok(hb.maxGap < 1000, `the main thread stalled ${Math.round(hb.maxGap)} ms`);
    const timings = await page.textContent('#elapsed');
    console.log(
      `10 MB batch: ${want.outcomes.length} records -> ${want.events.length} events in ${elapsed} ms (${timings}); ` +
        `${hb.frames} frames (${hb.framesWorking} while the worker worked), longest gap ${Math.round(hb.maxGap)} ms (${Math.round(hb.maxGapWorking)} ms while it worked)`,
    );

    assert.deepEqual(await stats(page), expectedStats(want));
    assert.match(await page.textContent('#source-text'), /mixed-batch\.json \(10\.0 MB\)/);
    // Paged table: first page, then the next.
    assert.equal(await page.textContent('#events-caption'), `Events 1–100 of ${want.events.length.toLocaleString('en-US')}`);
    assert.deepEqual(await tableRows(page), want.events.slice(0, 100).map(keyFields));
    await page.click('.pager[data-pager="events"] [data-go="next"]');
    await page.waitForFunction(() => document.getElementById('events-caption').textContent.startsWith('Events 101–'));
    assert.deepEqual(await tableRows(page), want.events.slice(100, 200).map(keyFields));
    // Filtered by level: only that level.
    await page.selectOption('#filter-level', 'CRITICAL');
    await page.waitForFunction(() => document.getElementById('events-caption').textContent.includes('filtered'));
    const critical = want.events.filter((e) => e['dt.security.risk.level'] === 'CRITICAL');
    assert.deepEqual(await tableRows(page), critical.slice(0, 100).map(keyFields));
    await page.selectOption('#filter-level', '');
    // Every event, exactly, as NDJSON.
    const dl = await download(page, '#download-ndjson');
    assert.equal(dl.name, 'mixed-batch.events.ndjson');
    assert.ok(dl.bytes.equals(Buffer.from(ndjson(want.events))), 'NDJSON download differs from transform() in Node');
  });

  it('cancel stops a running batch; the page maps again afterwards', async () => {
    // Three times the batch above, so that the mapping is surely still running at the click.
    const file = join(browser.scratch, 'mixed-batch-30mb.json');
    await writeFile(file, mixedBatch(providers(), 30_000_000));
    const before = Number(await page.getAttribute('#results', 'data-run'));
    await page.setInputFiles('#file', file);
    await page.waitForSelector('#stages li[data-stage="mapping"][data-state="active"]');
    await page.click('#cancel');
    assert.equal(await page.getAttribute('#results', 'data-state'), 'cancelled');
    assert.equal(Number(await page.getAttribute('#results', 'data-run')), before + 1);
    assert.match(await page.textContent('#status'), /^Cancelled/);
    assert.equal(await page.isVisible('#cancel'), false);
    const ex = EXAMPLES[0];
    assert.equal(await mapped(page, () => page.selectOption('#example', `${ex.provider}/${ex.name}`)), 'done');
    assert.equal((await stats(page)).events, transform('auto', ex.payload, PAGE_OPTIONS).events.length);
  });

  it('a dropped file and a large paste are mapped without going through the editor', async () => {
    const ex = EXAMPLES.find((e) => e.name === 'eks-runtime-multi-container');
    assert.equal(await mapped(page, () => page.evaluate((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'dropped.json', { type: 'application/json' }));
      document.getElementById('payload').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, ex.payload)), 'done');
    assert.match(await page.textContent('#source-text'), /the file dropped\.json/);
    assert.deepEqual(await tableRows(page), transform('auto', ex.payload, PAGE_OPTIONS).events.map(keyFields));

    const big = mixedBatch(providers(), 1_500_000);
    assert.equal(await mapped(page, () => page.evaluate((text) => {
      const dt = new DataTransfer();
      dt.setData('text/plain', text);
      document.getElementById('payload').dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }, big)), 'done');
    assert.equal(await page.inputValue('#payload'), '');
    assert.match(await page.textContent('#source-text'), /pasted payload \(1\.5 MB\)/);
    assert.deepEqual(await stats(page), expectedStats(transform('auto', big, PAGE_OPTIONS)));
    await page.click('#source-clear');
    assert.equal(await page.isVisible('#source-note'), false);
  });

  it('loads only its own files: no request leaves 127.0.0.1, and the page logged no errors', () => {
    const own = distPaths();
    const foreign = requests.filter((u) => {
      if (u.startsWith(`blob:${server.origin}/`)) return false;
      if (!u.startsWith(`${server.origin}/`)) return true;
      return !own.has(new URL(u).pathname);
    });
    assert.deepEqual(foreign, []);
    assert.ok(requests.some((u) => u.endsWith('/vendor/secmap/dist/secmap_wasm_bg.wasm')));
    assert.deepEqual(server.requests.filter((r) => !own.has(r.path)), []);
    assert.deepEqual(problems, []);
  });
});
