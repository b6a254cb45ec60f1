// A mapping run: sends the input to the worker, shows the stages (Read, Map, Summarize,
// Render) and the elapsed time, then renders the result or the error. `#results` carries
// `data-run` (which run it shows) and `data-state` (busy, done, failed, cancelled) for
// scripts and tests.
import { $, bytes as bytesText, fmt, h, ms, plural, setStatus } from './dom.js';
import { hasInput, input, options } from './editor.js';
import { hideError, showError } from './error-box.js';
import { loadEvents, loadJson } from './events-view.js';
import { enableExport } from './export.js';
import { loadRecords, loadWarnings, renderUnread } from './records-view.js';
import { state } from './state.js';
import { renderSummary, setTabCounts } from './summary.js';
import { connect, postRun, restartWorker, whenReady } from './worker-client.js';

const STAGES = ['reading', 'mapping', 'summarizing', 'rendering', 'done'];

export async function startRun() {
  if (!hasInput()) {
    setStatus('Nothing to map: paste findings, open a file or choose an example.');
    $('payload').focus();
    return;
  }
  if (state.busy) await cancelRun(true);
  try {
    await whenReady();
  } catch (err) {
    setStatus(`The mapper could not be loaded: ${err.message}`);
    return;
  }
  const runId = ++state.runId;
  state.lastInputKind = state.source ? state.source.kind : 'text';
  state.busy = true;
  state.result = null;
  state.lastError = null;
  clearResults();
  const results = $('results');
  results.setAttribute('aria-busy', 'true');
  results.dataset.run = String(runId);
  results.dataset.state = 'busy';
  $('cancel').hidden = false;
  $('stages').hidden = false;
  setStages(state.source ? 'reading' : 'mapping');
  state.started = performance.now();
  $('elapsed').textContent = '';
  clearInterval(state.timer);
  state.timer = setInterval(() => {
    $('elapsed').textContent = `${ms(performance.now() - state.started)} elapsed`;
  }, 100);
  const progress = $('progress');
  progress.hidden = false;
  progress.removeAttribute('value'); // indeterminate until something is measurable
  setStatus(state.source ? `Reading ${state.source.name ?? 'the payload'}…` : 'Mapping in the worker…');
  postRun({ runId, provider: $('provider').value, input: input(), options: options() });
}

export async function cancelRun(silent = false) {
  if (!state.busy) return;
  state.runId++;
  finishRun();
  $('results').dataset.state = 'cancelled';
  $('stages').hidden = true;
  if (!silent) setStatus('Cancelled. The worker was stopped and started afresh.');
  await restartWorker();
}

function finishRun() {
  state.busy = false;
  clearInterval(state.timer);
  $('cancel').hidden = true;
  $('progress').hidden = true;
  $('results').removeAttribute('aria-busy');
}

function setStages(active) {
  const at = STAGES.indexOf(active);
  for (const li of $('stages').children) {
    const i = STAGES.indexOf(li.dataset.stage);
    li.dataset.state = i < at ? 'done' : i === at ? 'active' : 'pending';
    if (i === at) li.setAttribute('aria-current', 'step');
    else li.removeAttribute('aria-current');
  }
}

function onProgress(m) {
  const progress = $('progress');
  setStages(m.stage);
  if (m.stage === 'reading') {
    progress.max = m.total || 1;
    progress.value = m.loaded;
    progress.setAttribute('aria-valuetext', `read ${bytesText(m.loaded)} of ${bytesText(m.total)}`);
  } else if (m.stage === 'mapping') {
    progress.removeAttribute('value');
    progress.removeAttribute('aria-valuetext');
    setStatus(`Mapping ${bytesText(m.total)} in the worker…`);
  } else if (m.stage === 'summarizing') {
    setStatus(`Summarizing ${plural(m.total, 'event')}…`);
  }
}

async function onResult(summary, runId) {
  summary.runId = runId;
  state.result = summary;
  setStages('rendering');
  setStatus('Rendering…');
  const t = performance.now();
  renderSummary(summary);
  try {
    await Promise.all([loadEvents(), loadRecords(), loadWarnings()]);
    renderUnread(summary);
    if (state.view === 'json') await loadJson();
  } catch (err) {
    // The worker died while the page asked it for rows (a later run or a crash reports itself).
    if (runId === state.runId) onFailed({ kind: 'internal', code: 'render-failed', message: err.message });
    return;
  }
  if (runId !== state.runId) return;
  summary.timings.render = performance.now() - t;
  const total = performance.now() - state.started;
  setStages('done');
  finishRun();
  enableExport(summary.events > 0);
  const { read, map, summarize, render } = summary.timings;
  $('elapsed').textContent = `read ${ms(read)} · mapped ${ms(map)} · summarized ${ms(summarize)} · rendered ${ms(render)}`;
  setStatus(
    `Done: ${plural(summary.records, 'record')} → ${plural(summary.events, 'event')} ` +
      `(${fmt(summary.mapped)} mapped, ${fmt(summary.skipped)} skipped, ${fmt(summary.rejected)} rejected` +
      `${summary.warnings ? `, ${plural(summary.warnings, 'warning')}` : ''}) in ${ms(total)}.`,
  );
  $('results').dataset.state = 'done';
}

function onFailed(error) {
  finishRun();
  $('results').dataset.state = 'failed';
  $('stages').hidden = true;
  state.lastError = error;
  showError(error);
  setStatus(
    error.kind === 'secmap'
      ? `The payload could not be mapped: ${error.code}${error.line !== undefined ? ` at line ${error.line}, column ${error.column}` : ''}.`
      : `Mapping failed: ${error.message}`,
  );
}

function onCrash(message) {
  if (!state.busy) return;
  finishRun();
  $('results').dataset.state = 'failed';
  showError({ kind: 'internal', code: 'worker-failed', message: `the mapping worker stopped: ${message}` });
  setStatus(`Mapping failed: the worker stopped (${message}).`);
  restartWorker();
}

function clearResults() {
  hideError();
  $('summary').replaceChildren(h('p', { class: 'empty' }, 'Working…'));
  for (const id of ['events-body', 'records-body', 'warnings-body', 'unread-body']) $(id).replaceChildren();
  $('events-caption').textContent = 'No events yet';
  $('records-caption').textContent = 'No records yet';
  $('warnings-caption').textContent = 'No warnings';
  $('unread-caption').textContent = 'No data';
  $('json-view').textContent = '';
  state.jsonStale = true;
  for (const k of Object.keys(state.pages)) state.pages[k] = 0;
  for (const p of document.querySelectorAll('.pager')) p.replaceChildren();
  enableExport(false);
  setTabCounts(null);
  $('filter-level').replaceChildren(h('option', { value: '' }, 'all'));
  $('filter-type').replaceChildren(h('option', { value: '' }, 'all'));
  $('filter-outcome').value = '';
}

connect({
  onMessage: (m) => {
    if (m.type === 'progress') onProgress(m);
    else if (m.type === 'result') onResult(m.summary, m.runId);
    else if (m.type === 'failed') onFailed(m.error);
  },
  onCrash,
});
