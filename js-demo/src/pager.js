// The pagers under the paged views: built once per render, keeping focus on a usable button.
import { fmt, h } from './dom.js';
import { PAGE_SIZE, state } from './state.js';

export function renderPager(view, total, load) {
  const nav = document.querySelector(`.pager[data-pager="${view}"]`);
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE[view]));
  if (pages <= 1) {
    nav.replaceChildren();
    return;
  }
  const focused = nav.contains(document.activeElement) ? document.activeElement.dataset.go : null;
  const page = state.pages[view];
  const go = (to) => () => {
    state.pages[view] = Math.max(0, Math.min(pages - 1, to));
    load();
  };
  const btn = (key, text, to, disabled) =>
    h('button', { type: 'button', dataset: { go: key }, disabled, onclick: go(to) }, text);
  nav.replaceChildren(
    btn('first', '« First', 0, page === 0),
    btn('prev', '‹ Previous', page - 1, page === 0),
    h('span', { class: 'page-info' }, `Page ${fmt(page + 1)} of ${fmt(pages)}`),
    btn('next', 'Next ›', page + 1, page >= pages - 1),
    btn('last', 'Last »', pages - 1, page >= pages - 1),
  );
  if (focused) {
    const want = nav.querySelector(`[data-go="${focused}"]:not(:disabled)`)
      ?? nav.querySelector('button:not(:disabled)');
    want?.focus();
  }
}

/** The first row of the current page of `view`. */
export const pageOffset = (view) => state.pages[view] * PAGE_SIZE[view];

/** `Events 1–100 of 1,234` (plus `suffix`), or `empty` when there are none. */
export function caption(what, offset, shown, total, empty, suffix = '') {
  return total ? `${what} ${fmt(offset + 1)}–${fmt(offset + shown)} of ${fmt(total)}${suffix}` : empty;
}
