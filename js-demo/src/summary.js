// The summary of a result: counts (the non-zero outcome counts are buttons that filter the
// records), the events per level as a bar and as labelled counts, event types, providers,
// skip reasons, rejection and warning codes, the providers' severity legends, and the
// table's filters and tab counts.
import { $, bytes, counts, fmt, h, ms, plural } from './dom.js';
import { byLevel, levelBadge, levelClass } from './levels.js';
import { loadRecords } from './records-view.js';
import { legends } from './severity-legend.js';
import { providerName, state } from './state.js';
import { selectTab } from './tabs.js';

function stat(key, label, value, onclick) {
  const inner = [h('span', { class: 'value' }, fmt(value)), h('span', { class: 'label' }, label)];
  return h('div', { class: `stat stat-${key}`, dataset: { stat: key } },
    onclick && value > 0 ? h('button', { type: 'button', class: 'stat-link', onclick }, ...inner) : inner);
}

/** Levels at a glance: a bar (decoration) and a list with the names and counts. */
function levels(withLevel) {
  if (!withLevel.length) return '';
  const bar = h('div', { class: 'level-bar', 'aria-hidden': 'true' });
  for (const { level, n } of withLevel) {
    const seg = h('span', { class: `seg ${levelClass(level)}` });
    seg.style.flexGrow = String(n);
    bar.append(seg);
  }
  const list = h('ul', { class: 'level-list', 'aria-label': 'Events by level' },
    withLevel.map(({ level, n }) => h('li', { dataset: { level } }, levelBadge(level), ' ', h('span', { class: 'n' }, fmt(n)))));
  return h('div', { class: 'levels' }, bar, list);
}

function facts(s) {
  const out = [];
  if (s.types.length) out.push(h('li', { dataset: { fact: 'types' } }, 'Types: ', counts(s.types, 'type')));
  if (s.providers.length) {
    out.push(h('li', { dataset: { fact: 'providers' } }, 'Providers: ',
      s.providers.map(({ provider, n }) => `${providerName(provider)} (${plural(n, 'record')})`).join(', ')));
  }
  if (s.reasons.length) out.push(h('li', { dataset: { fact: 'skipped' } }, 'Skipped: ', counts(s.reasons, 'reason')));
  if (s.errors.length) out.push(h('li', { dataset: { fact: 'rejected' } }, 'Rejected: ', counts(s.errors, 'code')));
  if (s.warningCodes.length) out.push(h('li', { dataset: { fact: 'warnings' } }, 'Warnings: ', counts(s.warningCodes, 'code')));
  out.push(h('li', { class: 'muted' }, `Input ${bytes(s.bytes)} · provider ${s.provider} · mapped in ${ms(s.timings.map)}`));
  return h('ul', { class: 'facts' }, out);
}

export function renderSummary(s) {
  const showRecords = (filter) => () => {
    $('filter-outcome').value = filter;
    state.pages.records = 0;
    selectTab('records', true);
    loadRecords();
  };
  const stats = h('div', { class: 'stats' },
    stat('records', 'records', s.records),
    stat('events', 'events', s.events),
    stat('mapped', 'mapped', s.mapped, showRecords('mapped')),
    stat('skipped', 'skipped', s.skipped, showRecords('skipped')),
    stat('rejected', 'rejected', s.rejected, showRecords('rejected')),
    stat('warnings', 'warnings', s.warnings, () => selectTab('warnings', true)),
  );
  const withLevel = s.levels.filter((l) => l.n > 0).sort((a, b) => byLevel(a.level, b.level));
  $('summary').replaceChildren(stats, levels(withLevel), facts(s), legends(s));

  // Filters for the table.
  $('filter-level').replaceChildren(h('option', { value: '' }, 'all'),
    ...withLevel.map(({ level, n }) => h('option', { value: level }, `${level === '-' ? 'no level' : level} (${fmt(n)})`)));
  $('filter-type').replaceChildren(h('option', { value: '' }, 'all'),
    ...s.types.map(({ type, n }) => h('option', { value: type }, `${type} (${fmt(n)})`)));
  setTabCounts(s);
}

export function setTabCounts(s) {
  const label = (id, text, n) => {
    $(id).replaceChildren(text, n === undefined ? '' : h('span', { class: 'count' }, ` (${fmt(n)})`));
  };
  label('tab-table', 'Events', s?.events);
  label('tab-json', 'JSON', undefined);
  label('tab-records', 'Records', s?.records);
  label('tab-warnings', 'Warnings', s?.warnings);
  label('tab-unread', 'Unread fields', s?.unmappedReported ? s.unmapped.length : undefined);
}
