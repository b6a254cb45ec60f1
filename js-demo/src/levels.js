// Dynatrace's risk levels (`dt.security.risk.level`) as the page shows them: the order of
// the scale, a shape per level, badges and score meters. Nothing here is a provider's rule:
// which level a finding gets is the mapping's decision (each provider's severity table,
// shown by severity-legend.js from `providers()`); the page only draws the level an event
// carries.
import { h } from './dom.js';

/** Dynatrace's scale, highest first (Threat Observability, "Severity and score normalization"). */
export const LEVELS = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'NONE', 'NOT_AVAILABLE'];

/** A shape per level, so colour is never the only carrier (the name is always shown too). */
const GLYPH = { CRITICAL: '‼', HIGH: '▲', MEDIUM: '◆', LOW: '▽', NONE: '○', NOT_AVAILABLE: '?' };

/** The CSS class of a level (`level-not-available`); '-' stands for an event without one. */
export const levelClass = (level) => (!level || level === '-' ? 'level-unset' : `level-${level.toLowerCase().replaceAll('_', '-')}`);

/** Orders level names as the scale does; a level the page does not know goes last. */
export function byLevel(a, b) {
  const rank = (l) => (LEVELS.includes(l) ? LEVELS.indexOf(l) : LEVELS.length + (l === '-' ? 1 : 0));
  return rank(a) - rank(b);
}

export function levelBadge(level) {
  if (!level || level === '-') {
    return h('span', { class: 'level level-unset' }, h('span', { 'aria-hidden': 'true' }, '–'), ' ',
      h('span', { class: 'muted' }, 'no level'));
  }
  return h('span', { class: `level ${levelClass(level)}` },
    h('span', { class: 'glyph', 'aria-hidden': 'true' }, GLYPH[level] ?? '•'), ' ', level);
}

/** The score as a number and a 0–10 meter in the colour of the event's own level. */
export function scoreCell(score, level) {
  if (score === undefined) return [h('span', { class: 'muted' }, '–')];
  const meter = h('span', { class: `meter ${levelClass(level)}`, 'aria-hidden': 'true' }, h('span', { class: 'fill' }));
  // CSSOM, not a style attribute: the page's CSP allows no inline styles.
  meter.firstChild.style.width = `${Math.max(0, Math.min(10, score)) * 10}%`;
  return [h('span', { class: 'score-num' }, String(score)), meter];
}
