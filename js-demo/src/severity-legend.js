// The severity legend: how a provider's severities become Dynatrace levels and scores, drawn
// from its severity table in `providers()` (the core's `SeverityTable`: vendor labels, score
// bands, fixed scores, the documented range, the level of a record without severity). One
// table per provider that handled records of the result.
import { code, fmt, h } from './dom.js';
import { byLevel, levelBadge } from './levels.js';
import { providerName, state } from './state.js';

/** `≥ 9` or `> 0`: a band's lower bound as the table declares it. */
const bound = (b) => `${b.inclusive ? '≥' : '>'} ${fmt(b.min)}`;

/** Text with `backquoted` parts as code. */
const withCode = (text) => text.split('`').map((part, i) => (i % 2 ? code(part) : part));

/** One row per level the table names anywhere, in the scale's order. */
function rows(table) {
  const levels = new Set([
    ...table.labels.map((l) => l.level),
    ...table.bands.map((b) => b.level),
    table.missing,
  ]);
  return [...levels].sort(byLevel).map((level) => {
    const labels = table.labels.filter((l) => l.level === level).map((l) => l.label);
    const bands = table.bands.filter((b) => b.level === level).map(bound);
    const fixed = table.fixedScores.find((f) => f.level === level);
    return h('tr', { dataset: { level } },
      h('td', {}, levelBadge(level)),
      h('td', { dataset: { col: 'labels' } }, labels.length ? labels.flatMap((l, i) => [i ? ', ' : '', code(l)]) : '–'),
      h('td', { dataset: { col: 'band' } }, bands.length ? bands.join(', ') : '–'),
      h('td', { dataset: { col: 'fixed' }, class: 'c-num' }, fixed ? fmt(fixed.score) : '–'),
      h('td', { dataset: { col: 'missing' } }, level === table.missing ? 'no severity' : ''),
    );
  });
}

/** The legend of one provider's table, as a disclosure. */
export function legend(provider) {
  const t = provider.severity;
  return h('details', { class: 'legend', dataset: { provider: provider.id, table: t.id } },
    h('summary', {}, `How ${providerName(provider.id)} severities become levels `, h('span', { class: 'muted' }, `(table ${t.id})`)),
    h('table', { class: 'legend-table' },
      h('caption', {}, `Scores on ${fmt(t.range[0])}–${fmt(t.range[1])}; outside that range they are clamped with a warning.`),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'Level'),
        h('th', { scope: 'col' }, 'Vendor labels'),
        h('th', { scope: 'col' }, 'Score band'),
        h('th', { scope: 'col', class: 'c-num' }, 'Fixed score'),
        h('th', { scope: 'col' }, 'Record without severity'))),
      h('tbody', {}, rows(t))),
    h('p', { class: 'hint' }, 'Source: ', withCode(t.source)));
}

/** The legends of the providers that handled records of summary `s`, in registry order. */
export function legends(s) {
  const seen = new Set(s.providers.map((p) => p.provider));
  const list = state.providers.filter((p) => seen.has(p.id) && p.severity);
  if (!list.length) return '';
  return h('div', { class: 'legends', 'aria-label': 'Severity tables' }, list.map(legend));
}
