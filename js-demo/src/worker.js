// The mapping worker: the only place the page runs secmap. It loads the npm package's
// browser entry (a copy placed beside the page by the build), maps a payload in one
// `transform` call, keeps the result, and answers the page's requests for one page of
// rows at a time, so the main thread never holds (or clones) tens of thousands of events.
//
// Messages from the page:  {type: 'run', runId, provider, input, options}
//                          {type: 'query', id, what, ...}   (answered with {type: 'reply', id})
// Messages to the page:    {type: 'ready', providers, mappingVersion}
//                          {type: 'progress', runId, stage, loaded?, total?}
//                          {type: 'result', runId, summary} | {type: 'failed', runId, error}
import {
  transform,
  providers,
  mappingVersion,
  eventsToJson,
  SecmapError,
} from './vendor/secmap/src/browser.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The last result: {runId, events, outcomes, warnings, ...caches}. */
let current = null;

const post = (message) => self.postMessage(message);

self.addEventListener('message', async (e) => {
  const m = e.data;
  if (m.type === 'run') {
    await run(m).catch((err) => post({ type: 'failed', runId: m.runId, error: describe(err) }));
    return;
  }
  if (m.type === 'query') {
    try {
      post({ type: 'reply', id: m.id, value: answer(m) });
    } catch (err) {
      post({ type: 'reply', id: m.id, error: describe(err) });
    }
  }
});

post({
  type: 'ready',
  mappingVersion: mappingVersion(),
  // Everything the page shows of a provider: names, event types, the severity table
  // (the legend), the bundled examples.
  providers: providers().map(({ id, name, vendor, summary, eventTypes, severity, examples }) => ({
    id,
    name,
    vendor,
    summary,
    eventTypes,
    severity,
    examples,
  })),
});

// ---------------------------------------------------------------------------------------
// Running

async function run({ runId, provider, input, options }) {
  current = null;
  const started = performance.now();
  let payload;
  if (input.kind === 'text') {
    payload = input.text;
  } else {
    payload = await readBlob(input.blob, runId);
  }
  const size = typeof payload === 'string' ? encoder.encode(payload).length : payload.length;
  const read = performance.now();
  post({ type: 'progress', runId, stage: 'mapping', total: size });

  let out;
  try {
    // One call for the whole payload: exactly what a host would send for it (Defender's
    // VULNERABILITY_SCAN events are per image per call; pointers and lines are the payload's).
    out = transform(provider, payload, options);
  } catch (err) {
    if (!(err instanceof SecmapError)) throw err;
    post({
      type: 'failed',
      runId,
      error: {
        kind: 'secmap',
        code: err.code,
        message: err.detail,
        full: err.message,
        pointer: err.pointer,
        line: err.line,
        column: err.column,
        context: err.line !== undefined ? context(payload, err.line, err.column ?? 1) : undefined,
      },
    });
    return;
  }
  const mapped = performance.now();
  post({ type: 'progress', runId, stage: 'summarizing', total: out.events.length });

  current = { runId, ...out, filtered: new Map(), exports: new Map() };
  const summary = summarize(out);
  summary.bytes = size;
  summary.options = options;
  summary.provider = provider;
  summary.timings = {
    read: read - started,
    map: mapped - read,
    summarize: performance.now() - mapped,
  };
  post({ type: 'result', runId, summary });
}

/** Reads a Blob (a File, or a large paste) with progress reports. */
async function readBlob(blob, runId) {
  const total = blob.size;
  let buf = new Uint8Array(total);
  let loaded = 0;
  let last = 0;
  post({ type: 'progress', runId, stage: 'reading', loaded, total });
  const reader = blob.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (loaded + value.length > buf.length) {
      const bigger = new Uint8Array(Math.max(buf.length * 2, loaded + value.length));
      bigger.set(buf.subarray(0, loaded));
      buf = bigger;
    }
    buf.set(value, loaded);
    loaded += value.length;
    const now = performance.now();
    if (now - last > 40) {
      last = now;
      post({ type: 'progress', runId, stage: 'reading', loaded, total });
    }
  }
  post({ type: 'progress', runId, stage: 'reading', loaded, total });
  return buf.subarray(0, loaded);
}

/** The line of the payload an error points at, with the caret as a character offset. */
function context(payload, line, column) {
  const bytes = typeof payload === 'string' ? encoder.encode(payload) : payload;
  let start = 0;
  for (let l = 1; l < line; l++) {
    const nl = bytes.indexOf(0x0a, start);
    if (nl < 0) return undefined;
    start = nl + 1;
  }
  let end = bytes.indexOf(0x0a, start);
  if (end < 0) end = bytes.length;
  const lineBytes = bytes.subarray(start, end);
  const text = decoder.decode(lineBytes).replace(/\r$/, '');
  const caret = decoder.decode(lineBytes.subarray(0, Math.max(0, column - 1))).length;
  // Character offset of the position in the whole text, for selecting it in the editor.
  const offset =
    typeof payload === 'string' ? decoder.decode(bytes.subarray(0, start)).length + caret : undefined;
  const WIDTH = 100;
  let from = 0;
  if (text.length > WIDTH) from = Math.max(0, Math.min(caret - WIDTH / 2, text.length - WIDTH));
  const shown = text.slice(from, from + WIDTH);
  return {
    text: (from > 0 ? '…' : '') + shown + (from + WIDTH < text.length ? '…' : ''),
    caret: caret - from + (from > 0 ? 1 : 0),
    offset,
  };
}

// ---------------------------------------------------------------------------------------
// Summaries and pages

/** The key fields of an event, as the table shows them. */
function keyFields(ev, index) {
  return {
    index,
    type: ev['event.type'],
    objectType: ev['object.type'],
    objectName: ev['object.name'] ?? ev['object.id'],
    objectId: ev['object.id'],
    level: ev['dt.security.risk.level'],
    score: ev['dt.security.risk.score'],
    title: ev['finding.title'] ?? ev['scan.name'] ?? ev['event.name'],
    sample: isSample(ev),
  };
}

/** A vendor's sample finding: providers flag them as `<provider>.sample: true`. */
function isSample(ev) {
  for (const key in ev) if (key.endsWith('.sample') && ev[key] === true) return true;
  return false;
}

function summarize({ events, outcomes, warnings }) {
  const count = (map, key) => map.set(key, (map.get(key) ?? 0) + 1);
  // Whatever levels the events carry ('-' for none); the page orders them on the scale.
  const levels = new Map();
  const types = new Map();
  for (const ev of events) {
    count(levels, ev['dt.security.risk.level'] ?? '-');
    count(types, ev['event.type']);
  }
  const byOutcome = { mapped: 0, skipped: 0, rejected: 0 };
  const reasons = new Map();
  const errors = new Map();
  const providersSeen = new Map();
  const unmapped = new Map();
  let reported = false;
  for (const o of outcomes) {
    byOutcome[o.outcome]++;
    if (o.outcome === 'skipped') count(reasons, o.reason);
    if (o.outcome === 'rejected') count(errors, o.error.code);
    if (o.provider) count(providersSeen, o.provider);
    if (o.unmapped) {
      reported = true;
      for (const path of o.unmapped) {
        let u = unmapped.get(path);
        if (!u) unmapped.set(path, (u = { path, records: 0, providers: new Set() }));
        u.records++;
        if (o.provider) u.providers.add(o.provider);
      }
    }
  }
  const warningCodes = new Map();
  for (const w of warnings) count(warningCodes, w.code);
  return {
    records: outcomes.length,
    events: events.length,
    ...byOutcome,
    warnings: warnings.length,
    levels: [...levels].map(([level, n]) => ({ level, n })),
    types: [...types].map(([type, n]) => ({ type, n })),
    eventTypes: [...types.keys()],
    reasons: [...reasons].map(([reason, n]) => ({ reason, n })),
    errors: [...errors].map(([code, n]) => ({ code, n })),
    warningCodes: [...warningCodes].map(([code, n]) => ({ code, n })),
    providers: [...providersSeen].map(([provider, n]) => ({ provider, n })),
    unmappedReported: reported,
    unmapped: [...unmapped.values()]
      .map((u) => ({ path: u.path, records: u.records, providers: [...u.providers] }))
      .sort((a, b) => b.records - a.records || a.path.localeCompare(b.path)),
  };
}

/** Indices of the events passing a filter (cached per filter). */
function eventIndices({ level = '', type = '' } = {}) {
  const key = `${level}\u0000${type}`;
  let list = current.filtered.get(key);
  if (!list) {
    list = [];
    current.events.forEach((ev, i) => {
      if (level && (ev['dt.security.risk.level'] ?? '-') !== level) return;
      if (type && ev['event.type'] !== type) return;
      list.push(i);
    });
    current.filtered.set(key, list);
  }
  return list;
}

function answer(m) {
  if (!current || current.runId !== m.runId) throw new Error('that result is gone: map again');
  const { events, outcomes, warnings } = current;
  switch (m.what) {
    case 'events': {
      const all = eventIndices(m.filter);
      const page = all.slice(m.offset, m.offset + m.limit);
      return { total: all.length, offset: m.offset, rows: page.map((i) => keyFields(events[i], i)) };
    }
    case 'json': {
      const all = eventIndices(m.filter);
      const page = all.slice(m.offset, m.offset + m.limit);
      return {
        total: all.length,
        offset: m.offset,
        text: JSON.stringify(page.map((i) => events[i]), null, 2),
      };
    }
    case 'event':
      return {
        index: m.index,
        fields: keyFields(events[m.index], m.index),
        text: JSON.stringify(events[m.index], null, 2),
        compact: JSON.stringify(events[m.index]),
      };
    case 'outcomes': {
      const all = m.filter ? outcomes.filter((o) => o.outcome === m.filter) : outcomes;
      return { total: all.length, offset: m.offset, rows: all.slice(m.offset, m.offset + m.limit) };
    }
    case 'warnings':
      return {
        total: warnings.length,
        offset: m.offset,
        rows: warnings.slice(m.offset, m.offset + m.limit),
      };
    case 'export': {
      // Blobs travel to the page by reference; the text never passes through its heap
      // unless it is copied to the clipboard.
      let blob = current.exports.get(m.format);
      if (!blob) {
        blob =
          m.format === 'ndjson'
            ? new Blob(
                events.map((ev) => JSON.stringify(ev) + '\n'),
                { type: 'application/x-ndjson' },
              )
            : new Blob([eventsToJson(events)], { type: 'application/json' });
        current.exports.set(m.format, blob);
      }
      return { blob, events: events.length };
    }
    default:
      throw new Error(`unknown query ${m.what}`);
  }
}

function describe(err) {
  return {
    kind: 'internal',
    code: err?.code ?? err?.name ?? 'error',
    message: String(err?.message ?? err),
  };
}
