// A payload that failed as a whole (a `SecmapError`, or the worker itself): its code,
// message, line, column and pointer, the offending line with a caret under the column, and
// *Show in the editor*, which selects that position.
import { $, code, h } from './dom.js';
import { state } from './state.js';

export function showError(error) {
  const box = $('error');
  const parts = [h('h3', {}, error.kind === 'secmap' ? 'The payload could not be mapped' : 'Something went wrong')];
  parts.push(h('p', { class: 'error-main' }, h('code', { class: 'error-code' }, error.code), ' ', error.message));
  const where = [];
  if (error.line !== undefined) {
    where.push(h('span', { class: 'error-where', dataset: { line: error.line, column: error.column } },
      `Line ${error.line}, column ${error.column}`));
  }
  if (error.pointer !== undefined) where.push(h('span', {}, 'at ', code(error.pointer || '(root)')));
  if (where.length) parts.push(h('p', {}, ...where.flatMap((w, i) => (i ? [' · ', w] : [w]))));
  if (error.context) {
    const gutter = `${error.line} │ `;
    const pad = `${' '.repeat(gutter.length - 2)}│ `;
    parts.push(h('pre', { class: 'error-context', 'aria-label': `Line ${error.line} of the payload, a caret under column ${error.column}` },
      h('span', { class: 'gutter' }, gutter), error.context.text, '\n',
      h('span', { class: 'gutter' }, pad), `${' '.repeat(error.context.caret)}^`));
    if (error.context.offset !== undefined && state.lastInputKind === 'text') {
      parts.push(h('button', { type: 'button', onclick: () => showInEditor(error.context.offset, error.line) },
        'Show in the editor'));
    }
  }
  box.replaceChildren(...parts);
  box.hidden = false;
  $('summary').replaceChildren(h('p', { class: 'empty' }, 'No events: the payload failed as a whole.'));
}

export function hideError() {
  $('error').hidden = true;
  $('error').replaceChildren();
}

function showInEditor(offset, line) {
  const ta = $('payload');
  ta.focus();
  ta.setSelectionRange(offset, Math.min(ta.value.length, offset + 1));
  const lineHeight = parseFloat(getComputedStyle(ta).lineHeight) || 18;
  ta.scrollTop = Math.max(0, (line - 1) * lineHeight - ta.clientHeight / 2);
}
