// The mapping worker: the only place the page runs secmap. It loads the npm package's
// browser entry (a copy placed beside the page by the build), maps a payload in one
// `transform` call, keeps the result, and answers the page's requests for one page of
// rows at a time, so the main thread never holds (or clones) tens of thousands of events.
//
// Modules: worker-input.js (reading a Blob, an error's line), worker-result.js (the summary
// and the answers to queries).
//
// Messages from the page:  {type: 'run', runId, provider, input, options}
//                          {type: 'query', id, what, ...}   (answered with {type: 'reply', id})
// Messages to the page:    {type: 'ready', providers, mappingVersion}
//                          {type: 'progress', runId, stage, loaded?, total?}
//                          {type: 'result', runId, summary} | {type: 'failed', runId, error}
import { transform, providers, mappingVersion, SecmapError } from './vendor/secmap/src/browser.js';
import { errorContext, readBlob } from './worker-input.js';
import { answer, summarize } from './worker-result.js';

const encoder = new TextEncoder();

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
      post({ type: 'reply', id: m.id, value: answer(current, m) });
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
    payload = await readBlob(input.blob, (loaded, total) => post({ type: 'progress', runId, stage: 'reading', loaded, total }));
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
        context: err.line !== undefined ? errorContext(payload, err.line, err.column ?? 1) : undefined,
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

function describe(err) {
  return {
    kind: 'internal',
    code: err?.code ?? err?.name ?? 'error',
    message: String(err?.message ?? err),
  };
}
