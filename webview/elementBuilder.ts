/**
 * Builds DOM elements from plain values. Text always goes in as text nodes (never parsed as HTML), and
 * inline `style`/`on*` attributes are refused: the panel's CSP forbids them, and LLM text must stay
 * inert. Styles come from media/panel/*.css classes or from element.style in code.
 */

export interface ElementProps {
  readonly className?: string;
  readonly text?: string;
  readonly attrs?: Readonly<Record<string, string>>;
  readonly title?: string;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: ElementProps = {}, children: readonly (Node | string | null)[] = []): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.title) node.title = props.title;
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    if (name === 'style' || name.toLowerCase().startsWith('on')) throw new Error(`refusing attribute ${name}`);
    node.setAttribute(name, value);
  }
  if (props.text !== undefined) node.textContent = props.text;
  for (const child of children) if (child !== null) node.append(child);
  return node;
}

/** A definition list of label/value pairs (totals, trial facts). */
export function factList(facts: readonly (readonly [string, string])[], className = 'facts'): HTMLDListElement {
  const list = el('dl', { className });
  for (const [label, value] of facts) list.append(el('dt', { text: label }), el('dd', { text: value }));
  return list;
}

/** A small table with a header row; cells are text. */
export function textTable(headers: readonly string[], rows: readonly (readonly string[])[], className = 'small-table'): HTMLTableElement {
  const table = el('table', { className });
  const head = el('tr', {}, headers.map((h) => el('th', { text: h, attrs: { scope: 'col' } })));
  table.append(el('thead', {}, [head]));
  table.append(el('tbody', {}, rows.map((row) => el('tr', {}, row.map((cell) => el('td', { text: cell }))))));
  return table;
}
