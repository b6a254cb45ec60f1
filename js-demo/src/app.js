// The page: input, options, progress and results. All mapping happens in worker.js (a
// module Web Worker that loads the secmap package); this thread never calls `transform`
// and only ever holds one page of rows, so a 10 MB batch does not freeze it.

const $ = (id) => document.getElementById(id);
const fmt = (n) => Number(n).toLocaleString('en-US');
const plural = (n, one, many = `${one}s`) => `${fmt(n)} ${n === 1 ? one : many}`;

const LEVELS = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'NONE'];
/** A shape per level, so colour is never the only carrier (the name is always shown too). */
const LEVEL_GLYPH = { CRITICAL: '‼', HIGH: '▲', MEDIUM: '◆', LOW: '▽', NONE: '○', '-': '–' };
const OUTCOME_GLYPH = { mapped: '✓', skipped: '↷', rejected: '✗' };
const PAGE_SIZE = { events: 100, json: 20, records: 100, warnings: 100 };
/** Pastes larger than this are kept in memory instead of the editor (which would stall). */
const LARGE_PASTE = 1_000_000;
/** Files up to this size can be moved into the editor. */
const EDITABLE = 5_000_000;

const state = {
  worker: null,
  ready: null,
  providers: [],
  queries: new Map(),
  nextQuery: 1,
  runId: 0,
  busy: false,
  source: null, // null: the editor; else {kind: 'file' | 'paste', blob, name, size}
  sourceName: 'pasted',
  lastInputKind: null,
  result: null, // the summary of the last result (the rows stay in the worker)
  timer: null,
  started: 0,
  view: 'table',
  pages: { events: 0, json: 0, records: 0, warnings: 0 },
  loads: { events: 0, json: 0, records: 0, warnings: 0 },
  jsonStale: true,
  lastError: null,
};

// -----------------------------------------------------------------------------------------
// Formatting

function bytes(n) {
  if (n < 1000) return `${n} B`;
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)} kB`;
  return `${(n / 1_000_000).toFixed(1)} MB`;
}

function ms(t) {
  return t < 1000 ? `${Math.round(t)} ms` : `${(t / 1000).toFixed(1)} s`;
}

/** Builds an element: h('td', {class: 'x', dataset: {col: 'type'}}, 'text', child). */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) el.append(c);
  return el;
}

const code = (text) => h('code', {}, text);

/**
 * The bundled examples come without whitespace (it keeps the component small); indent them
 * for reading. Only whitespace between tokens is added: strings and numbers keep their
 * exact text, so the mapping is the same.
 */
function indentJson(text) {
  let out = '';
  let depth = 0;
  let inString = false;
  const newline = () => '\n' + '  '.repeat(depth);
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      if (text[i + 1] === close) {
        out += c + close;
        i++;
      } else {
        depth++;
        out += c + newline();
      }
    } else if (c === '}' || c === ']') {
      depth--;
      out += newline() + c;
    } else if (c === ',') {
      out += c + newline();
    } else if (c === ':') {
      out += ': ';
    } else {
      if (c === '"') inString = true;
      out += c;
    }
  }
  return out + '\n';
}

function levelBadge(level) {
  if (!level) {
    return h('span', { class: 'level level-unset' }, h('span', { 'aria-hidden': 'true' }, '–'), ' ',
      h('span', { class: 'muted' }, 'no level'));
  }
  return h('span', { class: `level level-${level.toLowerCase()}` },
    h('span', { class: 'glyph', 'aria-hidden': 'true' }, LEVEL_GLYPH[level] ?? '•'), ' ', level);
}

function scoreCell(score) {
  if (score === undefined) return [h('span', { class: 'muted' }, '–')];
  const meter = h('span', { class: 'meter', 'aria-hidden': 'true' }, h('span', { class: 'fill' }));
  // CSSOM, not a style attribute: the page's CSP allows no inline styles.
  meter.firstChild.style.width = `${Math.max(0, Math.min(10, score)) * 10}%`;
  const band = score >= 9 ? 'critical' : score >= 7 ? 'high' : score >= 4 ? 'medium' : score > 0 ? 'low' : 'none';
  meter.classList.add(`meter-${band}`);
  return [h('span', { class: 'score-num' }, String(score)), meter];
}

// -----------------------------------------------------------------------------------------
// The worker

function startWorker() {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'secmap' });
  state.worker = worker;
  state.ready = new Promise((resolve, reject) => {
    worker.addEventListener('message', (e) => {
      if (e.data.type === 'ready') resolve(e.data);
      else onWorkerMessage(e.data);
    });
    worker.addEventListener('error', (e) => {
      e.preventDefault();
      const message = e.message || 'the worker script failed to load';
      reject(new Error(message));
      onWorkerCrash(worker, message);
    });
  });
  return state.ready;
}

function onWorkerCrash(worker, message) {
  if (worker !== state.worker) return;
  for (const q of state.queries.values()) q.reject(new Error(message));
  state.queries.clear();
  if (state.busy) {
    finishRun();
    $('results').dataset.state = 'failed';
    showError({ kind: 'internal', code: 'worker-failed', message: `the mapping worker stopped: ${message}` });
    setStatus(`Mapping failed: the worker stopped (${message}).`);
    restartWorker();
  }
}

function restartWorker() {
  state.worker?.terminate();
  for (const q of state.queries.values()) q.reject(new Error('cancelled'));
  state.queries.clear();
  return startWorker().catch(() => {});
}

function query(what, params = {}) {
  const id = state.nextQuery++;
  return new Promise((resolve, reject) => {
    state.queries.set(id, { resolve, reject });
    state.worker.postMessage({ type: 'query', id, what, runId: state.result?.runId, ...params });
  });
}

function onWorkerMessage(m) {
  if (m.type === 'reply') {
    const q = state.queries.get(m.id);
    if (!q) return;
    state.queries.delete(m.id);
    if (m.error) q.reject(Object.assign(new Error(m.error.message), m.error));
    else q.resolve(m.value);
    return;
  }
  if (m.runId !== state.runId) return; // a superseded run
  if (m.type === 'progress') onProgress(m);
  else if (m.type === 'result') onResult(m.summary, m.runId);
  else if (m.type === 'failed') onFailed(m.error);
}

// -----------------------------------------------------------------------------------------
// Input

function setSource(source) {
  state.source = source;
  const note = $('source-note');
  if (!source) {
    note.hidden = true;
    return;
  }
  $('source-text').textContent =
    source.kind === 'file'
      ? `Mapping the file ${source.name} (${bytes(source.size)}), not shown in the editor.`
      : `Mapping a pasted payload (${bytes(source.size)}), kept in memory, not shown in the editor.`;
  $('source-edit').disabled = source.size > EDITABLE;
  $('source-edit').title = source.size > EDITABLE ? 'too large for the editor' : '';
  note.hidden = false;
  $('payload').value = '';
  $('example').value = '';
}

function useFile(file) {
  if (!file) return;
  state.sourceName = file.name.replace(/\.(json|ndjson|jsonl|txt)$/i, '') || 'input';
  setSource({ kind: 'file', blob: file, name: file.name, size: file.size });
  startRun();
}

function options() {
  const o = {
    originalContent: $('opt-original').checked,
    reportUnmapped: $('opt-unmapped').checked,
    skipSampleFindings: $('opt-skip-samples').checked,
  };
  if ($('opt-now').checked) o.now = $('opt-now-value').value.trim() || new Date().toISOString();
  return o;
}

function hasInput() {
  return Boolean(state.source) || $('payload').value.length > 0;
}

// -----------------------------------------------------------------------------------------
// Running and progress

async function startRun() {
  if (!hasInput()) {
    setStatus('Nothing to map: paste findings, open a file or choose an example.');
    $('payload').focus();
    return;
  }
  if (state.busy) await cancelRun(true);
  try {
    await state.ready;
  } catch (err) {
    setStatus(`The mapper could not be loaded: ${err.message}`);
    return;
  }
  const runId = ++state.runId;
  const input = state.source
    ? { kind: 'blob', blob: state.source.blob }
    : { kind: 'text', text: $('payload').value };
  state.lastInputKind = state.source ? state.source.kind : 'text';
  state.busy = true;
  state.result = null;
  state.lastError = null;
  clearResults();
  $('results').setAttribute('aria-busy', 'true');
  // For scripts and tests: which run the results show, and whether it has finished.
  $('results').dataset.run = String(runId);
  $('results').dataset.state = 'busy';
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
  state.worker.postMessage({ type: 'run', runId, provider: $('provider').value, input, options: options() });
}

async function cancelRun(silent = false) {
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
  const order = ['reading', 'mapping', 'summarizing', 'rendering', 'done'];
  const at = order.indexOf(active);
  for (const li of $('stages').children) {
    const i = order.indexOf(li.dataset.stage);
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
    $('progress').setAttribute('aria-valuetext', `read ${bytes(m.loaded)} of ${bytes(m.total)}`);
  } else if (m.stage === 'mapping') {
    progress.removeAttribute('value');
    progress.removeAttribute('aria-valuetext');
    setStatus(`Mapping ${bytes(m.total)} in the worker…`);
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
  await Promise.all([loadEvents(), loadRecords(), loadWarnings()]);
  renderUnread(summary);
  if (state.view === 'json') await loadJson();
  if (runId !== state.runId) return;
  summary.timings.render = performance.now() - t;
  const total = performance.now() - state.started;
  setStages('done');
  finishRun();
  for (const id of ['copy-json', 'copy-ndjson', 'download-json', 'download-ndjson']) {
    $(id).disabled = summary.events === 0;
  }
  $('elapsed').textContent = `read ${ms(summary.timings.read)} · mapped ${ms(summary.timings.map)} · summarized ${ms(summary.timings.summarize)} · rendered ${ms(summary.timings.render)}`;
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

function setStatus(text) {
  $('status').textContent = text;
}

// -----------------------------------------------------------------------------------------
// Results

function clearResults() {
  $('error').hidden = true;
  $('error').replaceChildren();
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
  for (const id of ['copy-json', 'copy-ndjson', 'download-json', 'download-ndjson']) $(id).disabled = true;
  setTabCounts(null);
  $('filter-level').replaceChildren(h('option', { value: '' }, 'all'));
  $('filter-type').replaceChildren(h('option', { value: '' }, 'all'));
  $('filter-outcome').value = '';
}

function showError(error) {
  const box = $('error');
  const parts = [h('h3', {}, error.kind === 'secmap' ? 'The payload could not be mapped' : 'Something went wrong')];
  parts.push(h('p', { class: 'error-main' }, h('code', { class: 'error-code' }, error.code), ' ', error.message));
  const where = [];
  if (error.line !== undefined) {
    where.push(h('span', { class: 'error-where', dataset: { line: error.line, column: error.column } },
      `Line ${error.line}, column ${error.column}`));
  }
  if (error.pointer !== undefined) where.push(h('span', {}, 'at ', code(error.pointer || '(root)')));
  if (where.length) parts.push(h('p', {}, ...where.flatMap((w, i) => (i ? [' · ', w] : [w]))));
  if (error.context) {
    const gutter = `${error.line} │ `;
    const pad = `${' '.repeat(gutter.length - 2)}│ `;
    parts.push(h('pre', { class: 'error-context', 'aria-label': `Line ${error.line} of the payload, a caret under column ${error.column}` },
      h('span', { class: 'gutter' }, gutter), error.context.text, '\n',
      h('span', { class: 'gutter' }, pad), `${' '.repeat(error.context.caret)}^`));
    if (error.context.offset !== undefined && state.lastInputKind === 'text') {
      parts.push(h('button', { type: 'button', onclick: () => showInEditor(error.context.offset, error.line) },
        'Show in the editor'));
    }
  }
  box.replaceChildren(...parts);
  box.hidden = false;
  $('summary').replaceChildren(h('p', { class: 'empty' }, 'No events: the payload failed as a whole.'));
}

function showInEditor(offset, line) {
  const ta = $('payload');
  ta.focus();
  ta.setSelectionRange(offset, Math.min(ta.value.length, offset + 1));
  const lineHeight = parseFloat(getComputedStyle(ta).lineHeight) || 18;
  ta.scrollTop = Math.max(0, (line - 1) * lineHeight - ta.clientHeight / 2);
}

function stat(key, label, value, onclick) {
  const inner = [h('span', { class: 'value' }, fmt(value)), h('span', { class: 'label' }, label)];
  return h('div', { class: `stat stat-${key}`, dataset: { stat: key } },
    onclick && value > 0 ? h('button', { type: 'button', class: 'stat-link', onclick }, ...inner) : inner);
}

function renderSummary(s) {
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

  // Levels at a glance: a bar (decoration) and a list with the names and counts.
  const withLevel = s.levels.filter((l) => l.n > 0);
  const bar = h('div', { class: 'level-bar', 'aria-hidden': 'true' });
  for (const { level, n } of withLevel) {
    const seg = h('span', { class: `seg level-${level === '-' ? 'unset' : level.toLowerCase()}` });
    seg.style.flexGrow = String(n);
    bar.append(seg);
  }
  const list = h('ul', { class: 'level-list', 'aria-label': 'Events by level' },
    withLevel.map(({ level, n }) =>
      h('li', { dataset: { level } }, levelBadge(level === '-' ? undefined : level), ' ', h('span', { class: 'n' }, fmt(n)))));

  const facts = [];
  if (s.types.length) facts.push(h('li', {}, 'Types: ', s.types.flatMap(({ type, n }, i) => [i ? ', ' : '', code(type), ` ${fmt(n)}`])));
  if (s.providers.length) {
    const name = (id) => state.providers.find((p) => p.id === id)?.name ?? id;
    facts.push(h('li', {}, 'Providers: ', s.providers.map(({ provider, n }) => `${name(provider)} (${plural(n, 'record')})`).join(', ')));
  }
  if (s.reasons.length) facts.push(h('li', {}, 'Skipped: ', s.reasons.flatMap(({ reason, n }, i) => [i ? ', ' : '', code(reason), ` ${fmt(n)}`])));
  if (s.errors.length) facts.push(h('li', {}, 'Rejected: ', s.errors.flatMap(({ code: c, n }, i) => [i ? ', ' : '', code(c), ` ${fmt(n)}`])));
  if (s.warningCodes.length) facts.push(h('li', {}, 'Warnings: ', s.warningCodes.flatMap(({ code: c, n }, i) => [i ? ', ' : '', code(c), ` ${fmt(n)}`])));
  facts.push(h('li', { class: 'muted' }, `Input ${bytes(s.bytes)} · provider ${s.provider} · mapped in ${ms(s.timings.map)}`));

  $('summary').replaceChildren(stats, withLevel.length ? h('div', { class: 'levels' }, bar, list) : '', h('ul', { class: 'facts' }, facts));

  // Filters for the table.
  const levelSel = $('filter-level');
  levelSel.replaceChildren(h('option', { value: '' }, 'all'),
    ...withLevel.map(({ level, n }) => h('option', { value: level }, `${level === '-' ? 'no level' : level} (${fmt(n)})`)));
  $('filter-type').replaceChildren(h('option', { value: '' }, 'all'),
    ...s.types.map(({ type, n }) => h('option', { value: type }, `${type} (${fmt(n)})`)));
  setTabCounts(s);
}

function setTabCounts(s) {
  const label = (id, text, n) => {
    const tab = $(id);
    tab.replaceChildren(text, n === undefined ? '' : h('span', { class: 'count' }, ` (${fmt(n)})`));
  };
  label('tab-table', 'Events', s?.events);
  label('tab-json', 'JSON', undefined);
  label('tab-records', 'Records', s?.records);
  label('tab-warnings', 'Warnings', s?.warnings);
  label('tab-unread', 'Unread fields', s?.unmappedReported ? s.unmapped.length : undefined);
}

function eventFilter() {
  return { level: $('filter-level').value, type: $('filter-type').value };
}

async function loadEvents() {
  if (!state.result) return;
  const seq = ++state.loads.events;
  const offset = state.pages.events * PAGE_SIZE.events;
  const page = await query('events', { filter: eventFilter(), offset, limit: PAGE_SIZE.events });
  if (seq !== state.loads.events) return;
  const rows = page.rows.map((r) =>
    h('tr', { dataset: { index: r.index } },
      h('td', { class: 'c-num' }, fmt(r.index + 1)),
      h('td', { dataset: { col: 'type' } }, code(r.type)),
      h('td', { dataset: { col: 'object' }, title: r.objectId },
        h('span', { class: 'obj-name' }, r.objectName ?? '–'), ' ', h('span', { class: 'obj-type' }, r.objectType ?? '')),
      h('td', { dataset: { col: 'level' } }, levelBadge(r.level)),
      h('td', { dataset: { col: 'score' }, class: 'c-score' }, scoreCell(r.score)),
      h('td', { dataset: { col: 'title' } }, h('span', { class: 'title-text' }, r.title ?? ''),
        r.sample ? h('span', { class: 'tag' }, 'sample') : ''),
      h('td', {}, h('button', { type: 'button', class: 'small', 'aria-label': `Event ${r.index + 1} as JSON`,
        onclick: (e) => openDetail(r.index, e.currentTarget) }, 'JSON')),
    ));
  $('events-body').replaceChildren(...rows);
  $('events-caption').textContent = page.total
    ? `Events ${fmt(offset + 1)}–${fmt(offset + page.rows.length)} of ${fmt(page.total)}${page.total !== state.result.events ? ` (filtered from ${fmt(state.result.events)})` : ''}`
    : state.result.events ? 'No events match the filter' : 'No events';
  renderPager('events', page.total, loadEvents);
}

async function loadJson() {
  if (!state.result) return;
  const seq = ++state.loads.json;
  const offset = state.pages.json * PAGE_SIZE.json;
  const page = await query('json', { filter: eventFilter(), offset, limit: PAGE_SIZE.json });
  if (seq !== state.loads.json) return;
  state.jsonStale = false;
  $('json-view').textContent = page.total ? page.text : '[]';
  $('json-note').textContent = page.total > PAGE_SIZE.json
    ? `Events ${fmt(offset + 1)}–${fmt(offset + Math.min(PAGE_SIZE.json, page.total - offset))} of ${fmt(page.total)}, pretty-printed for reading. Copy and download give all events as the exact compact bytes.`
    : 'The events, pretty-printed for reading. Copy and download give the exact compact bytes.';
  renderPager('json', page.total, loadJson);
}

function outcomeDetail(o) {
  if (o.outcome === 'mapped') return [plural(o.events, 'event')];
  if (o.outcome === 'skipped') return [code(o.reason), ' ', o.message];
  const e = o.error;
  const where = [];
  if (e.pointer !== undefined) where.push(['at ', code(e.pointer || '(root)')]);
  if (e.line !== undefined) where.push([`line ${e.line}, column ${e.column}`]);
  return [code(e.code), ' ', e.message, where.length ? ' ' : '', ...where.flatMap((w, i) => (i ? [', ', ...w] : w))];
}

async function loadRecords() {
  if (!state.result) return;
  const seq = ++state.loads.records;
  const offset = state.pages.records * PAGE_SIZE.records;
  const filter = $('filter-outcome').value;
  const page = await query('outcomes', { filter, offset, limit: PAGE_SIZE.records });
  if (seq !== state.loads.records) return;
  const rows = page.rows.map((o) => {
    let unread;
    if (o.unmapped === undefined) unread = h('span', { class: 'muted' }, '–');
    else if (o.unmapped.length === 0) unread = 'none';
    else {
      // The list is built when first opened: a page of records may name thousands of paths.
      const paths = o.unmapped;
      unread = h('details', {
        ontoggle: (e) => {
          const d = e.currentTarget;
          if (d.open && !d.querySelector('ul')) d.append(h('ul', { class: 'paths' }, paths.map((p) => h('li', {}, code(p)))));
        },
      }, h('summary', {}, plural(paths.length, 'field')));
    }
    return h('tr', { dataset: { outcome: o.outcome, index: o.index } },
      h('td', { class: 'c-num' }, `#${o.index}`, o.line !== undefined ? h('span', { class: 'muted' }, ` line ${o.line}`) : ''),
      h('td', {}, code(o.pointer || '(root)')),
      h('td', {}, o.provider ?? h('span', { class: 'muted' }, '–')),
      h('td', {}, h('span', { class: `outcome outcome-${o.outcome}` },
        h('span', { 'aria-hidden': 'true' }, OUTCOME_GLYPH[o.outcome]), ' ', o.outcome)),
      h('td', { class: 'detail' }, outcomeDetail(o)),
      h('td', {}, unread),
    );
  });
  $('records-body').replaceChildren(...rows);
  $('records-caption').textContent = page.total
    ? `Records ${fmt(offset + 1)}–${fmt(offset + page.rows.length)} of ${fmt(page.total)}${filter ? ` ${filter}` : ''}`
    : `No ${filter || ''} records`.replace('  ', ' ');
  renderPager('records', page.total, loadRecords);
}

async function loadWarnings() {
  if (!state.result) return;
  const seq = ++state.loads.warnings;
  const offset = state.pages.warnings * PAGE_SIZE.warnings;
  const page = await query('warnings', { offset, limit: PAGE_SIZE.warnings });
  if (seq !== state.loads.warnings) return;
  $('warnings-body').replaceChildren(...page.rows.map((w) =>
    h('tr', {}, h('td', { class: 'c-num' }, `#${w.record}`), h('td', {}, code(w.code)), h('td', {}, w.message),
      h('td', {}, code(w.pointer || '(root)')))));
  $('warnings-caption').textContent = page.total
    ? `Warnings ${fmt(offset + 1)}–${fmt(offset + page.rows.length)} of ${fmt(page.total)}`
    : 'No warnings';
  renderPager('warnings', page.total, loadWarnings);
}

function renderUnread(s) {
  const name = (id) => state.providers.find((p) => p.id === id)?.name ?? id;
  const shown = s.unmapped.slice(0, 2000);
  $('unread-body').replaceChildren(...shown.map((u) =>
    h('tr', {}, h('td', {}, code(u.path)), h('td', { class: 'c-num' }, fmt(u.records)),
      h('td', {}, u.providers.map(name).join(', ')))));
  $('unread-caption').textContent = !s.unmappedReported
    ? s.options.reportUnmapped
      ? 'No mapped records, so nothing to report'
      : 'Not reported: turn on “Report source fields the mapping did not read” and map again'
    : s.unmapped.length
      ? `${plural(s.unmapped.length, 'source path')} no mapping read${shown.length < s.unmapped.length ? ` (first ${fmt(shown.length)} shown)` : ''}`
      : 'Every source field was read';
}

// Pagers: built once per render; keep focus on a usable button.
function renderPager(view, total, load) {
  const nav = document.querySelector(`.pager[data-pager="${view}"]`);
  const size = PAGE_SIZE[view];
  const pages = Math.max(1, Math.ceil(total / size));
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

// -----------------------------------------------------------------------------------------
// Tabs (WAI-ARIA tabs with automatic activation)

const TABS = ['table', 'json', 'records', 'warnings', 'unread'];

function selectTab(view, focus = false) {
  state.view = view;
  for (const v of TABS) {
    const tab = $(`tab-${v}`);
    const on = v === view;
    tab.setAttribute('aria-selected', String(on));
    tab.tabIndex = on ? 0 : -1;
    $(`panel-${v}`).hidden = !on;
  }
  if (focus) $(`tab-${view}`).focus();
  if (view === 'json' && state.jsonStale && state.result) loadJson();
}

function onTabKey(e) {
  const i = TABS.indexOf(state.view);
  const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: TABS.length - 1 }[e.key];
  if (to === undefined) return;
  e.preventDefault();
  selectTab(TABS[(to + TABS.length) % TABS.length], true);
}

// -----------------------------------------------------------------------------------------
// Export

const FORMAT = { json: 'JSON', ndjson: 'NDJSON' };

async function copyEvents(format) {
  if (!state.result) return;
  const exported = query('export', { format });
  try {
    if (window.ClipboardItem && navigator.clipboard?.write) {
      // Hand the clipboard a promise, so the click's user activation still applies.
      const blob = exported.then((r) => new Blob([r.blob], { type: 'text/plain' }));
      await navigator.clipboard.write([new ClipboardItem({ 'text/plain': blob })]);
    } else {
      await navigator.clipboard.writeText(await (await exported).blob.text());
    }
    const r = await exported;
    setStatus(`Copied ${plural(r.events, 'event')} as ${FORMAT[format]} (${bytes(r.blob.size)}).`);
  } catch (err) {
    setStatus(`Could not copy (${err.message}). Use Download instead.`);
  }
}

async function downloadEvents(format) {
  if (!state.result) return;
  const r = await query('export', { format });
  const url = URL.createObjectURL(r.blob);
  const a = h('a', { href: url, download: `${state.sourceName}.events.${format}`, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  setStatus(`Downloading ${plural(r.events, 'event')} as ${a.download} (${bytes(r.blob.size)}).`);
}

// -----------------------------------------------------------------------------------------
// The event dialog

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

// -----------------------------------------------------------------------------------------
// Wiring

function populate({ providers, mappingVersion }) {
  state.providers = providers;
  const provider = $('provider');
  for (const p of providers) provider.append(h('option', { value: p.id }, p.name));
  const example = $('example');
  for (const p of providers) {
    example.append(h('optgroup', { label: p.name },
      p.examples.map((ex) => h('option', { value: `${p.id}/${ex.name}` }, ex.title))));
  }
  const total = providers.reduce((n, p) => n + p.examples.length, 0);
  $('version').textContent =
    `Mapping version ${mappingVersion} · ${providers.map((p) => p.name).join(' and ')} · ${plural(total, 'bundled example')} · works offline`;
  for (const id of ['provider', 'example', 'open-file', 'run']) $(id).disabled = false;
  setStatus('Ready. Choose an example, open a file or paste findings.');
}

function wire() {
  $('run').addEventListener('click', () => startRun());
  $('cancel').addEventListener('click', () => cancelRun());
  document.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === 'Enter' && !$('run').disabled) {
      e.preventDefault();
      startRun();
    }
  });

  $('example').addEventListener('change', () => {
    const [providerId, name] = $('example').value.split('/');
    const ex = state.providers.find((p) => p.id === providerId)?.examples.find((x) => x.name === name);
    if (!ex) return;
    setSource(null);
    $('payload').value = indentJson(ex.payload);
    state.sourceName = ex.name;
    startRun();
  });

  $('open-file').addEventListener('click', () => $('file').click());
  $('file').addEventListener('change', () => {
    useFile($('file').files[0]);
    $('file').value = '';
  });

  const payload = $('payload');
  payload.addEventListener('input', () => {
    $('example').value = '';
    state.sourceName = 'pasted';
    if (state.source) setSource(null);
  });
  payload.addEventListener('paste', (e) => {
    const text = e.clipboardData?.getData('text/plain') ?? '';
    if (text.length <= LARGE_PASTE) return;
    e.preventDefault();
    state.sourceName = 'pasted';
    setSource({ kind: 'paste', blob: new Blob([text], { type: 'text/plain' }), name: 'pasted text', size: text.length });
    startRun();
  });

  // Drag and drop: a file maps at once; dropped text goes into the editor.
  const zone = $('dropzone');
  document.addEventListener('dragover', (e) => e.preventDefault());
  document.addEventListener('drop', (e) => e.preventDefault());
  zone.addEventListener('dragenter', () => zone.classList.add('dragging'));
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', (e) => {
    if (!zone.contains(e.relatedTarget)) zone.classList.remove('dragging');
  });
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('dragging');
    const file = e.dataTransfer?.files?.[0];
    if (file) useFile(file);
    else if (e.dataTransfer?.getData('text/plain')) {
      setSource(null);
      payload.value = e.dataTransfer.getData('text/plain');
      $('example').value = '';
    }
  });

  $('source-clear').addEventListener('click', () => {
    setSource(null);
    payload.focus();
  });
  $('source-edit').addEventListener('click', async () => {
    const src = state.source;
    if (!src) return;
    payload.value = await src.blob.text();
    setSource(null);
    payload.focus();
  });

  // Options: map again with the new settings when there is something to map.
  const rerun = () => {
    if (hasInput() && (state.result || state.lastError)) startRun();
  };
  for (const id of ['provider', 'opt-original', 'opt-unmapped', 'opt-skip-samples']) $(id).addEventListener('change', rerun);
  $('opt-now').addEventListener('change', () => {
    $('opt-now-value').disabled = !$('opt-now').checked;
    rerun();
  });
  $('opt-now-value').addEventListener('change', rerun);

  for (const v of TABS) {
    $(`tab-${v}`).addEventListener('click', () => selectTab(v));
    $(`tab-${v}`).addEventListener('keydown', onTabKey);
  }
  for (const id of ['filter-level', 'filter-type']) {
    $(id).addEventListener('change', () => {
      state.pages.events = 0;
      state.pages.json = 0;
      state.jsonStale = true;
      loadEvents();
      if (state.view === 'json') loadJson();
    });
  }
  $('filter-outcome').addEventListener('change', () => {
    state.pages.records = 0;
    loadRecords();
  });

  $('copy-json').addEventListener('click', () => copyEvents('json'));
  $('copy-ndjson').addEventListener('click', () => copyEvents('ndjson'));
  $('download-json').addEventListener('click', () => downloadEvents('json'));
  $('download-ndjson').addEventListener('click', () => downloadEvents('ndjson'));

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

wire();
startWorker().then(populate, (err) => {
  setStatus(`The mapper could not be loaded: ${err.message}`);
  $('version').textContent = 'The mapper could not be loaded.';
  showError({ kind: 'internal', code: 'load-failed', message: `the mapper could not be loaded: ${err.message}` });
});
