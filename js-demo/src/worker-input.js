// The worker's reading of its input: a Blob read with progress, and the line of the
// payload an error points at (for the page's caret under the column).

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Reads a Blob (a File, or a large paste), reporting `progress(loaded, total)` every 40 ms or so. */
export async function readBlob(blob, progress) {
  const total = blob.size;
  let buf = new Uint8Array(total);
  let loaded = 0;
  let last = 0;
  progress(loaded, total);
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
      progress(loaded, total);
    }
  }
  progress(loaded, total);
  return buf.subarray(0, loaded);
}

/** The line of the payload an error points at, with the caret as a character offset. */
export function errorContext(payload, line, column) {
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
