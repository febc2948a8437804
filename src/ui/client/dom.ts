/**
 * Building the page: every value from the server is put on it as text (textContent,
 * createElement), never as HTML.
 */

/** Properties set on the node itself; any other key becomes an attribute. */
const PROPERTIES = new Set([
  'id',
  'className',
  'type',
  'value',
  'readOnly',
  'disabled',
  'hidden',
  'placeholder',
  'autocomplete',
  'spellcheck',
  'title',
  'htmlFor',
  'target',
  'rel',
]);

export type Child = Node | string | number | null | undefined | false | Child[];

export interface Props {
  /** Text content (as text, never HTML); null: none. */
  text?: string | null;
  /** The data-testid the browser tests find it by. */
  testid?: string;
  onclick?: (event: MouseEvent) => void;
  [key: string]: unknown;
}

/** The element with this id; the page's markup (Sidebar.html) has every id asked for. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

/** The element with this id, or null when the current view has none. */
export function maybeById(id: string): HTMLElement | null {
  return document.getElementById(id);
}

/**
 * A new element: el('p', {className: 'muted'}, ['text', node]); strings always become text.
 * @param tag the element's tag
 * @param props properties, attributes, text, test id and click handler
 * @param children nodes and texts to append
 * @return the element
 */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  children?: Child,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const key of Object.keys(props)) {
    const value = props[key];
    if (value === undefined || value === null) continue;
    if (key === 'text') node.textContent = String(value);
    else if (key === 'testid') node.setAttribute('data-testid', String(value));
    else if (key === 'onclick') node.addEventListener('click', value as EventListener);
    else if (PROPERTIES.has(key)) (node as unknown as Record<string, unknown>)[key] = value;
    else node.setAttribute(key, String(value));
  }
  append(node, children);
  return node;
}

/** Appends nodes and texts (nested arrays allowed; null, undefined and false are skipped). */
export function append(node: Node, children: Child): void {
  if (children === undefined || children === null || children === false) return;
  if (Array.isArray(children)) {
    for (const child of children) append(node, child);
  } else if (typeof children === 'object') {
    node.appendChild(children);
  } else {
    node.appendChild(document.createTextNode(String(children)));
  }
}

/** Removes every child; returns the node. */
export function clear<T extends Node>(node: T): T {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

/**
 * A button whose id is also its test id.
 * @param id the id (and data-testid)
 * @param label the words on it
 * @param className its classes ('' for none)
 * @param onClick what a click does
 */
export function button(
  id: string,
  label: string,
  className: string,
  onClick: (event: MouseEvent) => void,
): HTMLButtonElement {
  return el('button', { type: 'button', id, testid: id, className, text: label, onclick: onClick });
}

/** The coloured dot before a status line: 'ok', 'warn', 'bad' or '' (grey). */
export function dot(kind: string): HTMLSpanElement {
  return el('span', { className: `dot ${kind}`, 'aria-hidden': 'true' });
}
