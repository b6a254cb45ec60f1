// The result views as WAI-ARIA tabs with automatic activation (arrows, Home, End).
import { $ } from './dom.js';
import { state } from './state.js';

export const TABS = ['table', 'json', 'records', 'warnings', 'unread'];
const shown = [];

/** Calls `fn(view)` whenever a tab is selected (the JSON view loads lazily). */
export function onTabShown(fn) {
  shown.push(fn);
}

export function selectTab(view, focus = false) {
  state.view = view;
  for (const v of TABS) {
    const tab = $(`tab-${v}`);
    const on = v === view;
    tab.setAttribute('aria-selected', String(on));
    tab.tabIndex = on ? 0 : -1;
    $(`panel-${v}`).hidden = !on;
  }
  if (focus) $(`tab-${view}`).focus();
  for (const fn of shown) fn(view);
}

function onTabKey(e) {
  const i = TABS.indexOf(state.view);
  const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: TABS.length - 1 }[e.key];
  if (to === undefined) return;
  e.preventDefault();
  selectTab(TABS[(to + TABS.length) % TABS.length], true);
}

export function wireTabs() {
  for (const v of TABS) {
    $(`tab-${v}`).addEventListener('click', () => selectTab(v));
    $(`tab-${v}`).addEventListener('keydown', onTabKey);
  }
}
