// The input: the editor, *Open file…*, drag and drop, large pastes kept in memory, and the
// options. `wireEditor(run)` calls `run()` when an input should be mapped at once (a file
// opened or dropped, a large paste).
import { $, bytes } from './dom.js';
import { state } from './state.js';

/** Pastes larger than this are kept in memory instead of the editor (which would stall). */
const LARGE_PASTE = 1_000_000;
/** Files up to this size can be moved into the editor. */
const EDITABLE = 5_000_000;

/** Maps from a File or pasted Blob (`source`), or from the editor (`null`). */
export function setSource(source) {
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

/** The options of the page, as `transform` takes them. */
export function options() {
  const o = {
    originalContent: $('opt-original').checked,
    reportUnmapped: $('opt-unmapped').checked,
    skipSampleFindings: $('opt-skip-samples').checked,
  };
  if ($('opt-now').checked) o.now = $('opt-now-value').value.trim() || new Date().toISOString();
  return o;
}

export const hasInput = () => Boolean(state.source) || $('payload').value.length > 0;

/** What the worker maps: the Blob of a file or paste (read in the worker), or the editor's text. */
export const input = () => (state.source ? { kind: 'blob', blob: state.source.blob } : { kind: 'text', text: $('payload').value });

export function wireEditor(run) {
  const useFile = (file) => {
    if (!file) return;
    state.sourceName = file.name.replace(/\.(json|ndjson|jsonl|txt)$/i, '') || 'input';
    setSource({ kind: 'file', blob: file, name: file.name, size: file.size });
    run();
  };
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
    run();
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
}
