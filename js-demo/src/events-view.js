// The events of a result: the table of key fields, the JSON view (both paged and filtered
// by level and type), and one event's JSON in a dialog. Rows come from the worker a page
// at a time.
import { $, code, fmt, h, setStatus } from './dom.js';
import { levelBadge, scoreCell } from './levels.js';
import { caption, pageOffset, renderPager } from './pager.js';
import { PAGE_SIZE, state } from './state.js';
import { onTabShown } from './tabs.js';
import { query } from './worker-client.js';

const eventFilter = () => ({ level: $('filter-level').value, type: $('filter-type').value });

export async function loadEvents() {
  if (!state.result) return;
  const seq = ++state.loads.events;
  const offset = pageOffset('events');
  const page = await query('events', { filter: eventFilter(), offset, limit: PAGE_SIZE.events });
  if (seq !== state.loads.events) return;
  $('events-body').replaceChildren(...page.rows.map(eventRow));
  const all = state.result.events;
  $('events-caption').textContent = caption('Events', offset, page.rows.length, page.total,
    all ? 'No events match the filter' : 'No events', page.total !== all ? ` (filtered from ${fmt(all)})` : '');
  renderPager('events', page.total, loadEvents);
}

function eventRow(r) {
  return h('tr', { dataset: { index: r.index, level: r.level ?? '-' } },
    h('td', { class: 'c-num' }, fmt(r.index + 1)),
    h('td', { dataset: { col: 'type' } }, code(r.type)),
    h('td', { dataset: { col: 'object' }, title: r.objectId },
      h('span', { class: 'obj-name' }, r.objectName ?? '–'), ' ', h('span', { class: 'obj-type' }, r.objectType ?? '')),
    h('td', { dataset: { col: 'level' } }, levelBadge(r.level)),
    h('td', { dataset: { col: 'score' }, class: 'c-score' }, scoreCell(r.score, r.level)),
    h('td', { dataset: { col: 'title' } }, h('span', { class: 'title-text' }, r.title ?? ''),
      r.sample ? h('span', { class: 'tag' }, 'sample') : ''),
    h('td', {}, h('button', { type: 'button', class: 'small', 'aria-label': `Event ${r.index + 1} as JSON`,
      onclick: (e) => openDetail(r.index, e.currentTarget) }, 'JSON')),
  );
}

export async function loadJson() {
  if (!state.result) return;
  const seq = ++state.loads.json;
  const offset = pageOffset('json');
  const page = await query('json', { filter: eventFilter(), offset, limit: PAGE_SIZE.json });
  if (seq !== state.loads.json) return;
  state.jsonStale = false;
  $('json-view').textContent = page.total ? page.text : '[]';
  $('json-note').textContent = page.total > PAGE_SIZE.json
    ? `Events ${fmt(offset + 1)}–${fmt(offset + Math.min(PAGE_SIZE.json, page.total - offset))} of ${fmt(page.total)}, pretty-printed for reading. Copy and download give all events as the exact compact bytes.`
    : 'The events, pretty-printed for reading. Copy and download give the exact compact bytes.';
  renderPager('json', page.total, loadJson);
}

// The event dialog: Esc closes it and focus returns to the row's button.
let detailOpener = null;
let detailCompact = '';

async function openDetail(index, opener) {
  const ev = await query('event', { index });
  detailOpener = opener;
  detailCompact = ev.compact;
  $('detail-heading').textContent = `Event ${fmt(index + 1)} of ${fmt(state.result.events)}: ${ev.fields.type}`;
  $('detail-json').textContent = ev.text;
  $('detail').showModal();
  $('detail-json').focus();
}

export function wireEvents() {
  onTabShown((view) => {
    if (view === 'json' && state.jsonStale && state.result) loadJson();
  });
  for (const id of ['filter-level', 'filter-type']) {
    $(id).addEventListener('change', () => {
      state.pages.events = 0;
      state.pages.json = 0;
      state.jsonStale = true;
      loadEvents();
      if (state.view === 'json') loadJson();
    });
  }
  $('detail-close').addEventListener('click', () => $('detail').close());
  $('detail').addEventListener('close', () => detailOpener?.focus());
  $('detail-copy').addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(detailCompact);
      setStatus('Copied the event as JSON.');
    } catch (err) {
      setStatus(`Could not copy (${err.message}).`);
    }
  });
}
