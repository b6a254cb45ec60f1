// The page's state, shared by its modules. The rows of a result stay in the worker; the
// page keeps only the summary and the page of rows it shows.

/** Rows per page of each paged view. */
export const PAGE_SIZE = { events: 100, json: 20, records: 100, warnings: 100 };

export const state = {
  /** `providers()` as the worker reported it: ids, names, event types, severity, examples. */
  providers: [],
  runId: 0,
  busy: false,
  source: null, // null: the editor; else {kind: 'file' | 'paste', blob, name, size}
  sourceName: 'pasted',
  lastInputKind: null,
  result: null, // the summary of the last result
  timer: null,
  started: 0,
  view: 'table',
  pages: { events: 0, json: 0, records: 0, warnings: 0 },
  /** Sequence numbers of page loads, so a late reply never overwrites a newer page. */
  loads: { events: 0, json: 0, records: 0, warnings: 0 },
  jsonStale: true,
  lastError: null,
};

/**
 * A provider's display name from its id: its product name, with the id when another
 * provider shares the name (Defender for Cloud's alerts and its recommendations are one
 * product); the id itself for a provider the page does not know.
 */
export function providerName(id) {
  const p = state.providers.find((x) => x.id === id);
  if (!p) return id;
  return state.providers.some((x) => x.id !== id && x.name === p.name) ? `${p.name} (${p.id})` : p.name;
}
