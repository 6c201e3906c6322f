/**
 * Cells the searcher must not propose again: observed, pending, or already picked. Checks are by
 * isomorphism class (two wirings that compute the same function count as one cell), so an LLM cannot
 * waste a trial on a relabelled copy. A per-batch `BatchSeen` catches duplicates within one batch.
 */
import { isDisconnected } from '../nb201/cellGraph';
import { cellCode, type Cell } from '../nb201/searchSpace';
import type { RefusalReason } from './proposalYield';

export class BatchSeen {
  readonly codes = new Set<number>();
  readonly isos = new Set<number>();
}

export class CellRegistry {
  /** cell code -> its iso class, for every registered cell. */
  private readonly codes = new Map<number, number>();
  /** iso class -> the registered cell code that holds it. */
  private readonly isos = new Map<number, number>();
  /** Codes of registered cells that have a result (the rest are picked or pending). */
  private readonly evaluated = new Set<number>();

  constructor(private readonly isoClassOf: (cell: Cell) => number, private readonly rejectDisconnected: boolean) {}

  get size(): number {
    return this.codes.size;
  }

  has(cell: Cell): boolean {
    return this.isos.has(this.isoClassOf(cell));
  }

  add(cell: Cell): void {
    const code = cellCode(cell);
    if (this.codes.has(code)) return;
    const iso = this.isoClassOf(cell);
    this.codes.set(code, iso);
    if (!this.isos.has(iso)) this.isos.set(iso, code);
  }

  /** Registers a cell that has a result, so a re-proposal of it is refused as evaluated rather than pending. */
  addEvaluated(cell: Cell): void {
    this.add(cell);
    this.evaluated.add(cellCode(cell));
  }

  /** Un-registers a picked cell that was never handed out. */
  remove(cell: Cell): void {
    const code = cellCode(cell);
    const iso = this.codes.get(code);
    if (iso === undefined) return;
    this.codes.delete(code);
    if (this.isos.get(iso) === code) {
      this.isos.delete(iso);
      for (const [other, otherIso] of this.codes) if (otherIso === iso) { this.isos.set(iso, other); break; }
    }
  }

  /** Why `cell` cannot join the batch, or undefined when it can (and then it is added to `batch`). */
  admit(cell: Cell, batch: BatchSeen): RefusalReason | undefined {
    const code = cellCode(cell);
    const iso = this.isoClassOf(cell);
    if (this.codes.has(code)) return this.evaluated.has(code) ? 'evaluated' : 'pending';
    if (batch.codes.has(code)) return 'duplicate';
    if (this.isos.has(iso) || batch.isos.has(iso)) return 'isomorphic';
    if (this.rejectDisconnected && isDisconnected(cell)) return 'disconnected';
    batch.codes.add(code);
    batch.isos.add(iso);
    return undefined;
  }

  codeList(): number[] {
    return [...this.codes.keys()];
  }

  /** The most recently registered cells for which `isObserved` is false (picked or pending), newest first. */
  recentUnobserved(limit: number, isObserved: (code: number) => boolean): number[] {
    const codes = [...this.codes.keys()];
    const out: number[] = [];
    for (let i = codes.length - 1; i >= 0 && out.length < limit; i--) if (!isObserved(codes[i])) out.push(codes[i]);
    return out;
  }
}
