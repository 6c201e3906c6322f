/**
 * A keyboard-accessible grid that builds DOM only for the rows in view (plus a few around), so 5,000
 * trials scroll and filter as fast as 50. Rows have one fixed height; the scroll area holds a spacer
 * of the full height and the visible rows are moved into place with a transform. Arrow keys, Page
 * Up/Down, Home and End move the selection; the grid points at the selected row with
 * aria-activedescendant.
 */
import { el } from './elementBuilder';

export interface Column<T> {
  readonly key: string;
  readonly label: string;
  /** Sortable columns get a header button. */
  readonly sortable?: boolean;
  readonly title?: string;
  cell(row: T): Node | string;
}

export interface VirtualTableOptions<T> {
  readonly id: string;
  readonly label: string;
  readonly columns: readonly Column<T>[];
  readonly rowHeight: number;
  rowId(row: T): number;
  onSelect(row: T): void;
  onSort(column: string): void;
}

const OVERSCAN = 6;

export class VirtualTable<T> {
  readonly element: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly body: HTMLElement;
  private readonly headerCells = new Map<string, HTMLElement>();
  private rows: readonly T[] = [];
  private selectedId: number | null = null;
  private window = { start: -1, end: -1, version: -1 };
  private version = 0;
  private frame = 0;

  constructor(private readonly options: VirtualTableOptions<T>) {
    const header = el('div', { className: 'vt-row vt-header', attrs: { role: 'row', 'aria-rowindex': '1' } });
    for (const column of options.columns) {
      const content = column.sortable
        ? el('button', { className: 'vt-sort', text: column.label, title: column.title ?? `Sort by ${column.label}`, attrs: { type: 'button', 'data-sort': column.key } })
        : el('span', { text: column.label, title: column.title ?? column.label });
      if (column.sortable) content.addEventListener('click', () => options.onSort(column.key));
      const cell = el('div', { className: `vt-cell col-${column.key}`, attrs: { role: 'columnheader' } }, [content]);
      this.headerCells.set(column.key, cell);
      header.append(cell);
    }
    this.spacer = el('div', { className: 'vt-spacer' });
    this.body = el('div', { className: 'vt-body', attrs: { role: 'rowgroup' } });
    this.viewport = el('div', { className: 'vt-viewport', attrs: { tabindex: '0' } }, [this.spacer, this.body]);
    this.element = el('div', { className: `vt ${options.id}`, attrs: { id: options.id, role: 'grid', 'aria-label': options.label } }, [
      el('div', { className: 'vt-head', attrs: { role: 'rowgroup' } }, [header]),
      this.viewport,
    ]);
    this.viewport.addEventListener('scroll', () => this.scheduleWindow());
    this.viewport.addEventListener('keydown', (event) => this.onKey(event));
    this.body.addEventListener('click', (event) => {
      const row = (event.target as HTMLElement).closest<HTMLElement>('.vt-row');
      const index = row ? Number(row.dataset.index) : -1;
      if (index >= 0 && index < this.rows.length) this.select(this.rows[index]);
    });
  }

  /** New rows, selection or sort: re-renders the rows in view. */
  setRows(rows: readonly T[], selectedId: number | null, sort: { column: string; descending: boolean }): void {
    this.rows = rows;
    this.selectedId = selectedId;
    this.version++;
    this.element.setAttribute('aria-rowcount', String(rows.length + 1));
    this.spacer.style.height = `${rows.length * this.options.rowHeight}px`;
    for (const [key, cell] of this.headerCells) {
      cell.setAttribute('aria-sort', key === sort.column ? (sort.descending ? 'descending' : 'ascending') : 'none');
    }
    this.renderWindow();
  }

  /** Scrolls so the row with this id is visible. */
  reveal(id: number): void {
    const index = this.rows.findIndex((r) => this.options.rowId(r) === id);
    if (index < 0) return;
    const h = this.options.rowHeight;
    const top = index * h;
    const view = this.viewport.clientHeight || 10 * h;
    if (top < this.viewport.scrollTop) this.viewport.scrollTop = top;
    else if (top + h > this.viewport.scrollTop + view) this.viewport.scrollTop = top + h - view;
    this.renderWindow();
  }

  private scheduleWindow(): void {
    if (this.frame === 0) this.frame = requestAnimationFrame(() => { this.frame = 0; this.renderWindow(); });
  }

  private renderWindow(): void {
    const h = this.options.rowHeight;
    const view = this.viewport.clientHeight || 20 * h;
    const start = Math.max(0, Math.floor(this.viewport.scrollTop / h) - OVERSCAN);
    const end = Math.min(this.rows.length, Math.ceil((this.viewport.scrollTop + view) / h) + OVERSCAN);
    if (start === this.window.start && end === this.window.end && this.version === this.window.version) return;
    this.window = { start, end, version: this.version };
    const fragment = document.createDocumentFragment();
    for (let i = start; i < end; i++) fragment.append(this.renderRow(i));
    this.body.style.transform = `translateY(${start * h}px)`;
    this.body.replaceChildren(fragment);
    const selected = this.selectedId === null ? null : this.body.querySelector(`#${this.options.id}-row-${this.selectedId}`);
    if (selected) this.element.setAttribute('aria-activedescendant', selected.id);
    else this.element.removeAttribute('aria-activedescendant');
  }

  private renderRow(index: number): HTMLElement {
    const row = this.rows[index];
    const id = this.options.rowId(row);
    const selected = id === this.selectedId;
    const element = el('div', {
      className: `vt-row${selected ? ' selected' : ''}`,
      attrs: { role: 'row', id: `${this.options.id}-row-${id}`, 'aria-rowindex': String(index + 2), 'aria-selected': String(selected), 'data-index': String(index), 'data-id': String(id) },
    });
    for (const column of this.options.columns) {
      element.append(el('div', { className: `vt-cell col-${column.key}`, attrs: { role: 'gridcell' } }, [column.cell(row)]));
    }
    return element;
  }

  private onKey(event: KeyboardEvent): void {
    if (this.rows.length === 0) return;
    const current = this.rows.findIndex((r) => this.options.rowId(r) === this.selectedId);
    const page = Math.max(1, Math.floor((this.viewport.clientHeight || 200) / this.options.rowHeight) - 1);
    const moves: Record<string, number> = {
      ArrowDown: current + 1, ArrowUp: current - 1, PageDown: current + page, PageUp: current - page, Home: 0, End: this.rows.length - 1,
    };
    if (!(event.key in moves)) return;
    event.preventDefault();
    const target = Math.min(this.rows.length - 1, Math.max(0, current < 0 && event.key === 'ArrowDown' ? 0 : moves[event.key]));
    this.select(this.rows[target]);
  }

  /** Keys pressed before the next render must move on from this selection, not the last rendered one. */
  private select(row: T): void {
    this.selectedId = this.options.rowId(row);
    this.options.onSelect(row);
  }
}
