// Copy and download of every event (not one page): JSON is exactly the ingest request body
// (`eventsToJson`), NDJSON one event per line. The worker builds them as Blobs.
import { $, bytes, h, plural, setStatus } from './dom.js';
import { state } from './state.js';
import { query } from './worker-client.js';

const FORMAT = { json: 'JSON', ndjson: 'NDJSON' };
export const EXPORT_BUTTONS = ['copy-json', 'copy-ndjson', 'download-json', 'download-ndjson'];

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

/** Enables the export buttons when there is something to export. */
export function enableExport(on) {
  for (const id of EXPORT_BUTTONS) $(id).disabled = !on;
}

export function wireExport() {
  $('copy-json').addEventListener('click', () => copyEvents('json'));
  $('copy-ndjson').addEventListener('click', () => copyEvents('ndjson'));
  $('download-json').addEventListener('click', () => downloadEvents('json'));
  $('download-ndjson').addEventListener('click', () => downloadEvents('ndjson'));
}
