// The page's side of worker.js: starts the module worker, sends runs, and asks it for one
// page of rows at a time (`query`). Run messages (progress, result, failed) go to the
// handlers given to `connect`; a worker that dies goes to `onCrash`.
import { state } from './state.js';

let worker = null;
let ready = null;
let handlers = { onMessage: () => {}, onCrash: () => {} };
const queries = new Map();
let nextQuery = 1;

/** Sets the handlers of run messages and crashes. */
export function connect(h) {
  handlers = h;
}

/** Starts a worker; resolves to its `ready` message ({providers, mappingVersion}). */
export function startWorker() {
  const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'secmap' });
  worker = w;
  ready = new Promise((resolve, reject) => {
    w.addEventListener('message', (e) => {
      if (e.data.type === 'ready') resolve(e.data);
      else onMessage(e.data);
    });
    w.addEventListener('error', (e) => {
      e.preventDefault();
      const message = e.message || 'the worker script failed to load';
      reject(new Error(message));
      if (w !== worker) return;
      rejectAll(message);
      handlers.onCrash(message);
    });
  });
  return ready;
}

/** Resolves when the current worker is ready (rejects if it could not load). */
export const whenReady = () => ready;

/**
 * Stops the worker (a running mapping with it) and starts a fresh one. Its pending queries
 * are dropped, not rejected: they belong to a result that is gone, and nobody waits for them.
 */
export function restartWorker() {
  worker?.terminate();
  queries.clear();
  return startWorker().catch(() => {});
}

export function postRun(message) {
  worker.postMessage({ type: 'run', ...message });
}

/** Asks the worker about the current result: a page of rows, an event, an export. */
export function query(what, params = {}) {
  const id = nextQuery++;
  return new Promise((resolve, reject) => {
    queries.set(id, { resolve, reject });
    worker.postMessage({ type: 'query', id, what, runId: state.result?.runId, ...params });
  });
}

function rejectAll(message) {
  for (const q of queries.values()) q.reject(new Error(message));
  queries.clear();
}

function onMessage(m) {
  if (m.type === 'reply') {
    const q = queries.get(m.id);
    if (!q) return;
    queries.delete(m.id);
    if (m.error) q.reject(Object.assign(new Error(m.error.message), m.error));
    else q.resolve(m.value);
    return;
  }
  if (m.runId !== state.runId) return; // a superseded run
  handlers.onMessage(m);
}
