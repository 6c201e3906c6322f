/**
 * Everything the searcher has seen, grouped per cell as a partial learning curve (epoch -> mean error
 * over the trials of that cell). Level H, the incumbent and the range are read from here. Adding a
 * result is O(1); per-batch queries walk the cells once.
 */
import { cellCode, cellFromCode, type Cell } from '../nb201/searchSpace';

export interface CellRecord {
  readonly cell: Cell;
  readonly code: number;
  readonly trialIds: number[];
  /** epoch -> [sum of errors, count]; NaN results are not stored here. */
  readonly curve: Map<number, [number, number]>;
  lastEpoch: number;
  /** Order of the last update, for "most recent" selection. */
  lastSeq: number;
  failed: boolean;
}

export interface LevelStats {
  readonly level: number;
  /** Cells with a result at this level. */
  readonly count: number;
  readonly best: number;
  readonly worst: number;
  readonly range: number;
  readonly bestCell: Cell;
}

export interface CellHistoryState {
  readonly cells: readonly { code: number; trialIds: number[]; curve: [number, number, number][]; lastEpoch: number; lastSeq: number; failed: boolean }[];
  readonly seq: number;
}

export class CellHistory {
  private readonly byCode = new Map<number, CellRecord>();
  /** Distinct cells with a finite result per epoch. */
  private readonly countAtEpoch: Int32Array;
  private seq = 0;

  constructor(private readonly rungLevels: readonly number[], maxEpoch: number) {
    this.countAtEpoch = new Int32Array(Math.max(maxEpoch, ...rungLevels) + 2);
  }

  get size(): number {
    return this.byCode.size;
  }

  get resultCount(): number {
    return this.seq;
  }

  hasCell(code: number): boolean {
    return this.byCode.has(code);
  }

  records(): IterableIterator<CellRecord> {
    return this.byCode.values();
  }

  add(trialId: number, cell: Cell, epoch: number, error: number): void {
    const record = this.recordOf(trialId, cell);
    record.lastSeq = ++this.seq;
    if (!Number.isFinite(error)) {
      record.failed = true;
      return;
    }
    const point = record.curve.get(epoch);
    if (point) {
      point[0] += error;
      point[1] += 1;
    } else {
      record.curve.set(epoch, [error, 1]);
      if (epoch < this.countAtEpoch.length) this.countAtEpoch[epoch]++;
    }
    if (epoch > record.lastEpoch) record.lastEpoch = epoch;
  }

  addFailure(trialId: number, cell: Cell): void {
    const record = this.recordOf(trialId, cell);
    record.failed = true;
    record.lastSeq = ++this.seq;
  }

  /**
   * Level H: the highest rung level with at least `minResults` cells; else the highest epoch with that
   * many (e.g. FIFO before the first trial finishes); else the highest epoch with any result.
   */
  levelH(minResults: number): number | undefined {
    for (let i = this.rungLevels.length - 1; i >= 0; i--) {
      const level = this.rungLevels[i];
      if (level < this.countAtEpoch.length && this.countAtEpoch[level] >= minResults) return level;
    }
    let highestAny: number | undefined;
    for (let epoch = this.countAtEpoch.length - 1; epoch >= 1; epoch--) {
      if (this.countAtEpoch[epoch] >= minResults) return epoch;
      if (highestAny === undefined && this.countAtEpoch[epoch] > 0) highestAny = epoch;
    }
    return highestAny;
  }

  countAt(level: number): number {
    return level < this.countAtEpoch.length ? this.countAtEpoch[level] : 0;
  }

  levelStats(level: number): LevelStats | undefined {
    let best = Infinity, worst = -Infinity, count = 0;
    let bestCell: Cell | undefined;
    for (const record of this.byCode.values()) {
      const error = errorAt(record, level);
      if (error === undefined) continue;
      count++;
      if (error < best) { best = error; bestCell = record.cell; }
      if (error > worst) worst = error;
    }
    if (!bestCell) return undefined;
    return { level, count, best, worst, range: worst - best, bestCell };
  }

  /** Best cells by error at `level`, then by their latest error; failed cells last. */
  bestCells(limit: number, level: number | undefined): Cell[] {
    return rankRecords([...this.byCode.values()], level).slice(0, limit).map((r) => r.cell);
  }

  state(): CellHistoryState {
    return {
      seq: this.seq,
      cells: [...this.byCode.values()].map((r) => ({
        code: r.code, trialIds: r.trialIds.slice(), lastEpoch: r.lastEpoch, lastSeq: r.lastSeq, failed: r.failed,
        curve: [...r.curve].map(([epoch, [sum, n]]) => [epoch, sum, n] as [number, number, number]),
      })),
    };
  }

  restore(state: CellHistoryState): void {
    this.byCode.clear();
    this.countAtEpoch.fill(0);
    this.seq = state.seq;
    for (const c of state.cells) {
      const curve = new Map<number, [number, number]>(c.curve.map(([epoch, sum, n]) => [epoch, [sum, n]]));
      this.byCode.set(c.code, { cell: cellFromCode(c.code), code: c.code, trialIds: c.trialIds.slice(), curve, lastEpoch: c.lastEpoch, lastSeq: c.lastSeq, failed: c.failed });
      for (const epoch of curve.keys()) if (epoch < this.countAtEpoch.length) this.countAtEpoch[epoch]++;
    }
  }

  private recordOf(trialId: number, cell: Cell): CellRecord {
    const code = cellCode(cell);
    let record = this.byCode.get(code);
    if (!record) {
      record = { cell: cellFromCode(code), code, trialIds: [], curve: new Map(), lastEpoch: 0, lastSeq: 0, failed: false };
      this.byCode.set(code, record);
    }
    if (!record.trialIds.includes(trialId)) record.trialIds.push(trialId);
    return record;
  }
}

/** Mean error of a cell at one epoch, if it has one. */
export function errorAt(record: CellRecord, epoch: number): number | undefined {
  const point = record.curve.get(epoch);
  return point ? point[0] / point[1] : undefined;
}

/** Latest mean error of a cell (at its highest epoch), if any. */
export function latestError(record: CellRecord): number | undefined {
  return record.lastEpoch > 0 ? errorAt(record, record.lastEpoch) : undefined;
}

/** Cells with a result at `level` first (by that error), then by latest error, failed/empty last. */
export function rankRecords(records: CellRecord[], level: number | undefined): CellRecord[] {
  const key = (r: CellRecord): [number, number] => {
    const atLevel = level === undefined ? undefined : errorAt(r, level);
    if (atLevel !== undefined) return [0, atLevel];
    const latest = latestError(r);
    return latest !== undefined ? [1, latest] : [2, 0];
  };
  const keyed = records.map((r) => ({ r, k: key(r) }));
  keyed.sort((a, b) => a.k[0] - b.k[0] || a.k[1] - b.k[1] || a.r.code - b.r.code);
  return keyed.map((x) => x.r);
}
