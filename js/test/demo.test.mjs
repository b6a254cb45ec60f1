// The browser demo (js-demo/) in Debian's Chromium, driven by playwright-core.
//
// js-demo/dist (the static build, made here by `cargo xtask web --no-serve`, the same xtask
// function `cargo xtask build` uses) is served by a plain node:http server on 127.0.0.1.
// Expected values come from the npm package's `transform` and `providers` in Node, with the
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
  buildDemo,
  distPaths,
  launchChromium,
  mixedBatch,
  pixels,
  serveStatic,
} from '../test-support/demo-support.mjs';

const SKIP = process.env.SECMAP_SKIP_BROWSER === '1' ? 'SECMAP_SKIP_BROWSER=1: browser tests skipped' : false;
/** The page's defaults: original content on, unread fields reported. */
const PAGE_OPTIONS = { originalContent: true, reportUnmapped: true, skipSampleFindings: false };
const SCREENSHOTS = join(REPO_ROOT, 'target/demo');
const PROVIDERS = providers();
const EXAMPLES = PROVIDERS.flatMap((p) => p.examples.map((ex) => ({ provider: p.id, ...ex })));
/** Dynatrace's levels, highest first; events without a level ('-') last. */
const SCALE = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'NONE', 'NOT_AVAILABLE', '-'];
/** The page's name of a provider: its product name, with its id when another shares it. */
function providerName(id) {
  const p = PROVIDERS.find((x) => x.id === id);
  if (!p) return id;
  return PROVIDERS.some((x) => x.id !== id && x.name === p.name) ? `${p.name} (${p.id})` : p.name;
}

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

/** The summary's events per level, as shown: [level, count], in the scale's order. */
function expectedLevels(events) {
  const n = new Map();
  for (const e of events) {
    const l = e['dt.security.risk.level'] ?? '-';
    n.set(l, (n.get(l) ?? 0) + 1);
  }
  return [...n].sort((a, b) => SCALE.indexOf(a[0]) - SCALE.indexOf(b[0]));
}

function levelsShown(page) {
  return page.$$eval('#summary .level-list li', (lis) =>
    lis.map((li) => [li.dataset.level, Number(li.querySelector('.n').textContent.replace(/[^0-9]/g, '')), li.textContent.trim()]));
}

/** A record's line in the Records view: provider, outcome (with its shape), detail. */
function expectedOutcomeLine(o) {
  const glyph = { mapped: '✓', skipped: '↷', rejected: '✗' }[o.outcome];
  let detail;
  if (o.outcome === 'mapped') detail = `${o.events} ${o.events === 1 ? 'event' : 'events'}`;
  else if (o.outcome === 'skipped') detail = `${o.reason} ${o.message}`;
  else detail = o.error.code;
  return { provider: o.provider ? providerName(o.provider) : '–', outcome: `${glyph} ${o.outcome}`, detail };
}

function outcomeLines(page) {
  return page.$$eval('#records-body tr', (rows) =>
    rows.map((tr) => ({
      provider: tr.querySelector('[data-col="provider"]').textContent,
      outcome: tr.querySelector('[data-col="outcome"]').textContent,
      detail: tr.querySelector('[data-col="detail"]').textContent,
    })));
}

/** A provider's severity legend as the page should draw it from `providers()`. */
function expectedLegend(p) {
  const t = p.severity;
  const levels = [...new Set([...t.labels.map((l) => l.level), ...t.bands.map((b) => b.level), t.missing])]
    .sort((a, b) => SCALE.indexOf(a) - SCALE.indexOf(b));
  return levels.map((level) => ({
    level,
    labels: t.labels.filter((l) => l.level === level).map((l) => l.label).join(', ') || '–',
    band: t.bands.filter((b) => b.level === level).map((b) => `${b.inclusive ? '≥' : '>'} ${b.min}`).join(', ') || '–',
    fixed: String(t.fixedScores.find((f) => f.level === level)?.score ?? '–'),
    missing: level === t.missing ? 'no severity' : '',
  }));
}

function legendShown(page, id) {
  return page.$$eval(`#summary .legend[data-provider="${id}"] tbody tr`, (rows) =>
    rows.map((tr) => ({
      level: tr.dataset.level,
      labels: tr.querySelector('[data-col="labels"]').textContent,
      band: tr.querySelector('[data-col="band"]').textContent,
      fixed: tr.querySelector('[data-col="fixed"]').textContent,
      missing: tr.querySelector('[data-col="missing"]').textContent,
    })));
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
    console.log(buildDemo());
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
    assert.deepEqual(providerOptions, ['auto', ...PROVIDERS.map((p) => p.id)]);
    // Grouped by provider: one group per provider, named after it, holding its examples.
    const groups = await page.$$eval('#example optgroup', (gs) =>
      gs.map((g) => [g.dataset.provider, g.label, [...g.children].map((o) => o.value)]));
    assert.deepEqual(groups, PROVIDERS.map((p) => [p.id, `${providerName(p.id)} (${p.examples.length})`, p.examples.map((ex) => `${p.id}/${ex.name}`)]));
    // Two providers share Microsoft's product name; the page tells them apart by id.
    assert.equal(new Set(groups.map((g) => g[1])).size, groups.length);
    assert.ok(PROVIDERS.every((p) => p.examples.length > 0), 'every provider bundles an example');
    const names = PROVIDERS.map((p) => providerName(p.id));
    assert.equal(await page.textContent('#providers-line'), `Providers: ${names.slice(0, -1).join(', ')} and ${names.at(-1)}.`);
    assert.equal(await page.evaluate(() => typeof window.transform), 'undefined');
  });

  for (const ex of EXAMPLES) {
    it(`example ${ex.provider}/${ex.name}: event count and key fields`, async () => {
      const want = transform('auto', ex.payload, PAGE_OPTIONS);
      assert.equal(await mapped(page, () => page.selectOption('#example', `${ex.provider}/${ex.name}`)), 'done');
      // Shown indented (the bundled text has no whitespace), the same JSON; the events below
      // are those of the bundled text.
      const shown = await page.inputValue('#payload');
      // (An Event Hubs batch of JSON strings has one line per string.)
      assert.ok(shown.includes('\n  ') && shown !== ex.payload, 'the example is indented');
      assert.deepEqual(JSON.parse(shown), JSON.parse(ex.payload));
      assert.deepEqual(await stats(page), expectedStats(want));
      assert.deepEqual(await tableRows(page), want.events.map(keyFields));
      // The levels shown, in the scale's order, with their counts.
      const shownLevels = await levelsShown(page);
      assert.deepEqual(shownLevels.map(([l, n]) => [l, n]), expectedLevels(want.events));
      for (const [level, , text] of shownLevels) assert.ok(text.includes(level === '-' ? 'no level' : level), text);
      // Event types (COMPLIANCE_FINDING among them) and providers, with counts.
      const types = new Map();
      for (const e of want.events) types.set(e['event.type'], (types.get(e['event.type']) ?? 0) + 1);
      if (types.size) {
        assert.equal(await page.textContent('#summary [data-fact="types"]'), `Types: ${[...types].map(([t, n]) => `${t} ${n}`).join(', ')}`);
      }
      const by = new Map();
      for (const o of want.outcomes) if (o.provider) by.set(o.provider, (by.get(o.provider) ?? 0) + 1);
      assert.equal(await page.textContent('#summary [data-fact="providers"]'),
        `Providers: ${[...by].map(([id, n]) => `${providerName(id)} (${n} ${n === 1 ? 'record' : 'records'})`).join(', ')}`);
      // Records: one line per outcome, in order: provider, outcome, detail.
      const outcomes = await page.$$eval('#records-body tr', (rows) => rows.map((r) => r.dataset.outcome));
      assert.deepEqual(outcomes, want.outcomes.map((o) => o.outcome));
      const lines = await outcomeLines(page);
      want.outcomes.forEach((o, i) => {
        const line = expectedOutcomeLine(o);
        assert.equal(lines[i].provider, line.provider);
        assert.equal(lines[i].outcome, line.outcome);
        assert.ok(lines[i].detail.startsWith(line.detail), `${lines[i].detail} ≠ ${line.detail}…`);
      });
      // The severity legend of each provider that handled a record, from providers().
      const seen = PROVIDERS.filter((p) => want.outcomes.some((o) => o.provider === p.id));
      assert.deepEqual(await page.$$eval('#summary .legend', (ds) => ds.map((d) => d.dataset.provider)), seen.map((p) => p.id));
      for (const p of seen) assert.deepEqual(await legendShown(page, p.id), expectedLegend(p));
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

  /** The badges of the summary's level list: each drawn in its level's own colour. */
  async function badgeColours() {
    const out = [];
    for (const li of await page.$$('#summary .level-list li')) {
      const level = await li.getAttribute('data-level');
      const badge = await li.$('.level');
      const colour = await badge.evaluate((el) => getComputedStyle(el).color.match(/\d+/g).slice(0, 3).map(Number));
      const seen = await pixels(browser.context, await badge.screenshot(), colour);
      out.push({ level, colour: colour.join(','), seen });
    }
    return out;
  }

  it('each provider\'s example as the user sees it: levels drawn in their colours (screenshots in target/demo)', async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    for (const p of PROVIDERS) {
      const ex = p.examples[0];
      const want = transform('auto', ex.payload, PAGE_OPTIONS);
      assert.equal(await mapped(page, () => page.selectOption('#example', `${p.id}/${ex.name}`)), 'done');
      // Opened, so a reader of the screenshot sees the provider's severity table.
      await page.$eval(`#summary .legend[data-provider="${p.id}"]`, (d) => { d.open = true; });
      await page.screenshot({ path: join(SCREENSHOTS, `${p.id}.png`), fullPage: true });
      // What the page shows, as text: the counts and the status line.
      assert.match(await page.textContent('#status'),
        new RegExp(`^Done: ${want.outcomes.length} records? → ${want.events.length} events? `));
      // Pixels: every level badge really is drawn in its level's colour (a badge whose class
      // has no rule would be drawn in the text colour), and the levels' colours differ.
      const badges = await badgeColours();
      assert.deepEqual(badges.map((b) => b.level), expectedLevels(want.events).map(([l]) => l));
      for (const b of badges) assert.ok(b.seen.matching >= 15, `${p.id}: ${b.level} badge has ${b.seen.matching} pixels of ${b.colour}`);
      const text = await page.$eval('body', (el) => getComputedStyle(el).color.match(/\d+/g).slice(0, 3).join(','));
      for (const b of badges.filter((x) => x.level !== '-')) assert.notEqual(b.colour, text, `${b.level} has no colour of its own`);
      assert.equal(new Set(badges.map((b) => b.colour)).size, badges.length, JSON.stringify(badges));
    }
  });

  it('NOT_AVAILABLE and NONE render as distinct levels, in the table, the summary, the filter and the legend', async () => {
    // Inspector's example with a finding not scored yet (UNTRIAGED → NOT_AVAILABLE), and a
    // Defender alert of severity Informational (→ NONE).
    const inspector = PROVIDERS.find((p) => p.id === 'inspector');
    const untriaged = inspector.examples[0].payload.replace('"severity":"MEDIUM"', '"severity":"UNTRIAGED"');
    const alert = JSON.parse(PROVIDERS.find((p) => p.id === 'defender-alerts').examples.find((e) => e.name === 'arm-shape-key-vault').payload).records[0];
    const payload = `[${untriaged},${JSON.stringify(alert)}]`;
    const want = transform('auto', payload, PAGE_OPTIONS);
    assert.deepEqual(want.events.map((e) => e['dt.security.risk.level']), ['NOT_AVAILABLE', 'NONE']);
    await page.fill('#payload', payload);
    assert.equal(await mapped(page, () => page.click('#run')), 'done');
    assert.deepEqual(await tableRows(page), want.events.map(keyFields));
    assert.deepEqual((await levelsShown(page)).map(([l, n]) => [l, n]), [['NONE', 1], ['NOT_AVAILABLE', 1]]);
    const filter = await page.$$eval('#filter-level option', (os) => os.map((o) => o.textContent));
    assert.deepEqual(filter, ['all', 'NONE (1)', 'NOT_AVAILABLE (1)']);
    // Inspector's legend: UNTRIAGED is NOT_AVAILABLE, as is a finding without severity.
    const legend = await legendShown(page, 'inspector');
    assert.deepEqual(legend.find((r) => r.level === 'NOT_AVAILABLE'),
      { level: 'NOT_AVAILABLE', labels: 'UNTRIAGED', band: '–', fixed: '0', missing: 'no severity' });
    const badges = await badgeColours();
    assert.ok(badges.every((b) => b.seen.matching >= 15), JSON.stringify(badges));
    assert.notEqual(badges[0].colour, badges[1].colour);
    const text = await page.$eval('body', (el) => getComputedStyle(el).color.match(/\d+/g).slice(0, 3).join(','));
    assert.ok(badges.every((b) => b.colour !== text), `a level drawn in the text colour: ${JSON.stringify(badges)}`);
    // The rows carry their level's shape: NOT_AVAILABLE a question mark, NONE a circle.
    const glyphs = await page.$$eval('#events-body td[data-col="level"] .glyph', (gs) => gs.map((g) => g.textContent));
    assert.deepEqual(glyphs, ['?', '○']);
    await page.screenshot({ path: join(SCREENSHOTS, 'not-available.png') });
  });

  it('by keyboard: example picker, tabs, event view, copy to the clipboard', async () => {
    // Tab order: the input controls, then the results of Defender's event-hubs-batch: the
    // count buttons, the severity legend, the exports, the tabs.
    const batch = EXAMPLES.find((e) => e.name === 'event-hubs-batch');
    assert.equal(await mapped(page, () => page.selectOption('#example', `${batch.provider}/${batch.name}`)), 'done');
    const last = expectedStats(transform('auto', batch.payload, PAGE_OPTIONS));
    const statButtons = ['mapped', 'skipped', 'rejected', 'warnings'].filter((k) => last[k] > 0).map((k) => `stat:${k}`);
    const expected = [
      'provider', 'example', 'open-file', 'payload', 'opt-original', 'opt-unmapped', 'opt-skip-samples', 'opt-now',
      'run', ...statButtons, `legend:${batch.provider}`, 'copy-json', 'copy-ndjson', 'download-json', 'download-ndjson', 'tab-table',
    ];
    await page.focus('#provider');
    const order = ['provider'];
    while (order.length < expected.length) {
      await page.keyboard.press('Tab');
      order.push(await page.evaluate(() => {
        const el = document.activeElement;
        const legend = el.closest('.legend');
        if (legend) return `legend:${legend.dataset.provider}`;
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
