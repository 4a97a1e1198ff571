// Building the screens: elements from tag, attributes and children (texts always as text nodes, never markup), alerts,
// labelled fields, busy buttons and the one place a screen is mounted.

/** An element: `on…` functions become listeners, `text` the text content; false, null and undefined attributes are left out. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'text') el.textContent = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof window.Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** An alert box of `kind` (error, warning, success, info): role alert for errors, status otherwise. */
export function message(kind, text) {
  const role = kind === 'error' ? 'alert' : 'status';
  return h('div', { class: 'alert alert-' + kind, role }, h('p', { text }));
}

/** A label and its input (id and name both `id`). */
export function field(id, label, attrs) {
  return [h('label', { for: id, text: label }), h('input', { id, name: id, ...attrs })];
}

export function busyButton(button, busy) {
  button.disabled = busy;
  button.setAttribute('aria-busy', busy ? 'true' : 'false');
}

/** The mount function for `root`: replaces the screen's content and moves focus to its heading (screen readers announce the new screen). */
export function mounter(root) {
  return function mount(title, ...content) {
    const heading = h('h1', { id: 'screen-heading', tabindex: '-1', text: title });
    root.replaceChildren(heading, ...content);
    document.title = title + ' – financeIDENT';
    heading.focus();
  };
}
