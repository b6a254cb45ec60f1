// The worker's view of a result: its summary for the page (counts per outcome, level,
// type, provider, reason and code; the unread source paths), and the answers to the page's
// queries (a page of rows, one event, an export as a Blob), so the page never holds them all.
import { eventsToJson } from './vendor/secmap/src/browser.js';

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

export function summarize({ events, outcomes, warnings }) {
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

/** Indices of the events of `current` passing a filter (cached per filter). */
function eventIndices(current, { level = '', type = '' } = {}) {
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

/** The answer to a page's query `m` about the result `current`. */
export function answer(current, m) {
  if (!current || current.runId !== m.runId) throw new Error('that result is gone: map again');
  const { events, outcomes, warnings } = current;
  switch (m.what) {
    case 'events': {
      const all = eventIndices(current, m.filter);
      const page = all.slice(m.offset, m.offset + m.limit);
      return { total: all.length, offset: m.offset, rows: page.map((i) => keyFields(events[i], i)) };
    }
    case 'json': {
      const all = eventIndices(current, m.filter);
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
