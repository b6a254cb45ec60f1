// The bundled examples list: every provider's declared examples from `providers()`, one
// group per provider, so they are always those of the mapping version that runs. Picking
// one puts it, indented, in the editor and maps it.
import { $, h } from './dom.js';
import { setSource } from './editor.js';
import { providerName, state } from './state.js';

/** Fills the list: an <optgroup> per provider, `<provider id>/<example name>` as values. */
export function listExamples(providers) {
  const example = $('example');
  for (const p of providers) {
    if (!p.examples.length) continue;
    example.append(h('optgroup', { label: `${providerName(p.id)} (${p.examples.length})`, dataset: { provider: p.id } },
      p.examples.map((ex) => h('option', { value: `${p.id}/${ex.name}` }, ex.title))));
  }
}

function selected() {
  const value = $('example').value;
  const slash = value.indexOf('/');
  const providerId = value.slice(0, slash);
  const name = value.slice(slash + 1);
  return state.providers.find((p) => p.id === providerId)?.examples.find((x) => x.name === name);
}

export function wireExamples(run) {
  $('example').addEventListener('change', () => {
    const ex = selected();
    if (!ex) return;
    setSource(null);
    $('payload').value = indentJson(ex.payload);
    state.sourceName = ex.name;
    run();
  });
}

/**
 * The bundled examples come without whitespace (it keeps the component small); indent them
 * for reading. Only whitespace between tokens is added: strings and numbers keep their
 * exact text, so the mapping is the same.
 */
export function indentJson(text) {
  let out = '';
  let depth = 0;
  let inString = false;
  const newline = () => '\n' + '  '.repeat(depth);
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      if (text[i + 1] === close) {
        out += c + close;
        i++;
      } else {
        depth++;
        out += c + newline();
      }
    } else if (c === '}' || c === ']') {
      depth--;
      out += newline() + c;
    } else if (c === ',') {
      out += c + newline();
    } else if (c === ':') {
      out += ': ';
    } else {
      if (c === '"') inString = true;
      out += c;
    }
  }
  return out + '\n';
}
