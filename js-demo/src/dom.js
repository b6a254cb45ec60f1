// Small DOM and formatting helpers shared by every module of the page.

export const $ = (id) => document.getElementById(id);
export const fmt = (n) => Number(n).toLocaleString('en-US');
export const plural = (n, one, many = `${one}s`) => `${fmt(n)} ${n === 1 ? one : many}`;

export function bytes(n) {
  if (n < 1000) return `${n} B`;
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)} kB`;
  return `${(n / 1_000_000).toFixed(1)} MB`;
}

export function ms(t) {
  return t < 1000 ? `${Math.round(t)} ms` : `${(t / 1000).toFixed(1)} s`;
}

/** Builds an element: h('td', {class: 'x', dataset: {col: 'type'}}, 'text', child). */
export function h(tag, attrs = {}, ...children) {
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

export const code = (text) => h('code', {}, text);

/** `a 2, b 1` with the keys as code: the summary's lists of counts. */
export const counts = (list, key) => list.flatMap((x, i) => [i ? ', ' : '', code(x[key]), ` ${fmt(x.n)}`]);

/** The status line (a polite live region). */
export function setStatus(text) {
  $('status').textContent = text;
}
