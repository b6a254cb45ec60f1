// The page's entry: wires the modules and starts the mapping worker. All mapping happens in
// worker.js (a module Web Worker that loads the secmap package); this thread never calls
// `transform` and only ever holds one page of rows, so a 10 MB batch does not freeze it.
// Every provider fact the page shows (names, event types, examples, severity tables) comes
// from the package's `providers()`, which the worker reports when it is ready.
import { $, h, plural, setStatus } from './dom.js';
import { hasInput, wireEditor } from './editor.js';
import { showError } from './error-box.js';
import { wireEvents } from './events-view.js';
import { listExamples, wireExamples } from './examples.js';
import { wireExport } from './export.js';
import { wireRecords } from './records-view.js';
import { cancelRun, startRun } from './run.js';
import { providerName, state } from './state.js';
import { wireTabs } from './tabs.js';
import { startWorker } from './worker-client.js';

/** `A, B and C`. */
const and = (names) => (names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`);

function populate({ providers, mappingVersion }) {
  state.providers = providers;
  for (const p of providers) {
    $('provider').append(h('option', { value: p.id, title: `${p.vendor}: ${p.eventTypes.join(', ')}` }, providerName(p.id)));
  }
  listExamples(providers);
  const examples = providers.reduce((n, p) => n + p.examples.length, 0);
  $('providers-line').textContent = `Providers: ${and(providers.map((p) => providerName(p.id)))}.`;
  $('version').textContent =
    `Mapping version ${mappingVersion} · ${plural(providers.length, 'provider')} · ${plural(examples, 'bundled example')} · works offline`;
  for (const id of ['provider', 'example', 'open-file', 'run']) $(id).disabled = false;
  setStatus('Ready. Choose an example, open a file or paste findings.');
}

function wire() {
  const run = () => startRun();
  $('run').addEventListener('click', run);
  $('cancel').addEventListener('click', () => cancelRun());
  document.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === 'Enter' && !$('run').disabled) {
      e.preventDefault();
      run();
    }
  });
  wireEditor(run);
  wireExamples(run);

  // Options: map again with the new settings when there is something to map.
  const rerun = () => {
    if (hasInput() && (state.result || state.lastError)) run();
  };
  for (const id of ['provider', 'opt-original', 'opt-unmapped', 'opt-skip-samples']) $(id).addEventListener('change', rerun);
  $('opt-now').addEventListener('change', () => {
    $('opt-now-value').disabled = !$('opt-now').checked;
    rerun();
  });
  $('opt-now-value').addEventListener('change', rerun);

  wireTabs();
  wireEvents();
  wireRecords();
  wireExport();
}

wire();
startWorker().then(populate, (err) => {
  setStatus(`The mapper could not be loaded: ${err.message}`);
  $('version').textContent = 'The mapper could not be loaded.';
  showError({ kind: 'internal', code: 'load-failed', message: `the mapper could not be loaded: ${err.message}` });
});
