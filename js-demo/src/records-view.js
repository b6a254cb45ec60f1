// Per-record views of a result: the outcome of each input record (mapped, skipped with its
// reason, rejected with its error), the warnings, and the source fields no mapping read.
import { $, code, fmt, h, plural } from './dom.js';
import { caption, pageOffset, renderPager } from './pager.js';
import { PAGE_SIZE, providerName, state } from './state.js';
import { query } from './worker-client.js';

/** A shape per outcome, beside its name. */
const OUTCOME_GLYPH = { mapped: '✓', skipped: '↷', rejected: '✗' };

function outcomeDetail(o) {
  if (o.outcome === 'mapped') return [plural(o.events, 'event')];
  if (o.outcome === 'skipped') return [code(o.reason), ' ', o.message];
  const e = o.error;
  const where = [];
  if (e.pointer !== undefined) where.push(['at ', code(e.pointer || '(root)')]);
  if (e.line !== undefined) where.push([`line ${e.line}, column ${e.column}`]);
  return [code(e.code), ' ', e.message, where.length ? ' ' : '', ...where.flatMap((w, i) => (i ? [', ', ...w] : w))];
}

function unreadCell(o) {
  if (o.unmapped === undefined) return h('span', { class: 'muted' }, '–');
  if (o.unmapped.length === 0) return 'none';
  // The list is built when first opened: a page of records may name thousands of paths.
  const paths = o.unmapped;
  return h('details', {
    ontoggle: (e) => {
      const d = e.currentTarget;
      if (d.open && !d.querySelector('ul')) d.append(h('ul', { class: 'paths' }, paths.map((p) => h('li', {}, code(p)))));
    },
  }, h('summary', {}, plural(paths.length, 'field')));
}

function recordRow(o) {
  return h('tr', { dataset: { outcome: o.outcome, index: o.index } },
    h('td', { class: 'c-num' }, `#${o.index}`, o.line !== undefined ? h('span', { class: 'muted' }, ` line ${o.line}`) : ''),
    h('td', {}, code(o.pointer || '(root)')),
    h('td', { dataset: { col: 'provider' } }, o.provider ? providerName(o.provider) : h('span', { class: 'muted' }, '–')),
    h('td', { dataset: { col: 'outcome' } }, h('span', { class: `outcome outcome-${o.outcome}` },
      h('span', { 'aria-hidden': 'true' }, OUTCOME_GLYPH[o.outcome]), ' ', o.outcome)),
    h('td', { class: 'detail', dataset: { col: 'detail' } }, outcomeDetail(o)),
    h('td', {}, unreadCell(o)),
  );
}

export async function loadRecords() {
  if (!state.result) return;
  const seq = ++state.loads.records;
  const offset = pageOffset('records');
  const filter = $('filter-outcome').value;
  const page = await query('outcomes', { filter, offset, limit: PAGE_SIZE.records });
  if (seq !== state.loads.records) return;
  $('records-body').replaceChildren(...page.rows.map(recordRow));
  $('records-caption').textContent = caption('Records', offset, page.rows.length, page.total,
    `No ${filter || ''} records`.replace('  ', ' '), filter ? ` ${filter}` : '');
  renderPager('records', page.total, loadRecords);
}

export async function loadWarnings() {
  if (!state.result) return;
  const seq = ++state.loads.warnings;
  const offset = pageOffset('warnings');
  const page = await query('warnings', { offset, limit: PAGE_SIZE.warnings });
  if (seq !== state.loads.warnings) return;
  $('warnings-body').replaceChildren(...page.rows.map((w) =>
    h('tr', {}, h('td', { class: 'c-num' }, `#${w.record}`), h('td', {}, code(w.code)), h('td', {}, w.message),
      h('td', {}, code(w.pointer || '(root)')))));
  $('warnings-caption').textContent = caption('Warnings', offset, page.rows.length, page.total, 'No warnings');
  renderPager('warnings', page.total, loadWarnings);
}

export function renderUnread(s) {
  const shown = s.unmapped.slice(0, 2000);
  $('unread-body').replaceChildren(...shown.map((u) =>
    h('tr', {}, h('td', {}, code(u.path)), h('td', { class: 'c-num' }, fmt(u.records)),
      h('td', {}, u.providers.map(providerName).join(', ')))));
  $('unread-caption').textContent = !s.unmappedReported
    ? s.options.reportUnmapped
      ? 'No mapped records, so nothing to report'
      : 'Not reported: turn on “Report source fields the mapping did not read” and map again'
    : s.unmapped.length
      ? `${plural(s.unmapped.length, 'source path')} no mapping read${shown.length < s.unmapped.length ? ` (first ${fmt(shown.length)} shown)` : ''}`
      : 'Every source field was read';
}

export function wireRecords() {
  $('filter-outcome').addEventListener('change', () => {
    state.pages.records = 0;
    loadRecords();
  });
}
