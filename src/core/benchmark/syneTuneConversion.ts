/**
 * The numeric core of the Syne Tune import: stream one task's block of objectives_evaluations.npy
 * (archs x seeds x epochs x objectives) chunk by chunk, place each arch at its reference index, fill
 * missing seeds, and quantise the errors to the table's uint16 x 1e-4.
 */
import type { NpyReader } from './npyReader';

const DEFAULT_CHUNK_BYTES = 8 << 20;

/** Positions of the objectives in the last .npy axis (-1 = absent). */
export interface ObjectiveColumns {
  readonly validError: number;
  readonly runtime: number;
  readonly latency: number;
  readonly params: number;
}

export interface ConvertTaskOptions {
  readonly taskIndex: number;
  /** Blackbox row -> reference (NB201) index. */
  readonly targetOf: Int32Array;
  readonly columns: ObjectiveColumns;
  readonly referenceParams: Float32Array;
  /** Used where the blackbox has no latency objective. */
  readonly referenceLatency: Float32Array;
  readonly chunkBytes?: number;
  readonly signal?: AbortSignal;
  readonly onChunk?: (archsDone: number, archsTotal: number) => void;
}

export interface ConvertedTask {
  readonly numArchs: number;
  readonly numSeeds: number;
  readonly numEpochs: number;
  readonly validError: Uint16Array;
  readonly finalError: Float32Array;
  readonly runtime: Float32Array;
  readonly latency: Float32Array;
  readonly imputedValues: number;
  readonly runtimeMaxRelativeSpread: number;
  readonly paramsMismatches: number;
}

export class ConversionError extends Error {
  override name = 'ConversionError';
}

export async function convertTask(reader: NpyReader, options: ConvertTaskOptions): Promise<ConvertedTask> {
  const [, rows, numSeeds, numEpochs, numObjectives] = reader.header.shape;
  const { targetOf, columns, referenceParams } = options;
  const numArchs = targetOf.length;
  const perArch = numSeeds * numEpochs * numObjectives;
  const elementBytes = reader.header.bytesPerElement;
  const errors = new Float32Array(numArchs * numSeeds * numEpochs);
  const runtime = new Float32Array(numArchs);
  const latency = new Float32Array(options.referenceLatency);
  let runtimeSpread = 0, paramsMismatches = 0;

  const taskOffset = options.taskIndex * rows * perArch * elementBytes;
  const chunkArchs = Math.max(1, Math.floor((options.chunkBytes ?? DEFAULT_CHUNK_BYTES) / (perArch * elementBytes)));
  const buffer = new Uint8Array(Math.min(chunkArchs, rows) * perArch * elementBytes);
  for (let first = 0; first < rows; first += chunkArchs) {
    options.signal?.throwIfAborted();
    const count = Math.min(chunkArchs, rows - first);
    const bytes = await reader.readDataBytes(taskOffset + first * perArch * elementBytes, count * perArch * elementBytes, buffer);
    const values = reader.header.dtype === 'float64'
      ? new Float64Array(bytes.buffer, bytes.byteOffset, count * perArch)
      : new Float32Array(bytes.buffer, bytes.byteOffset, count * perArch);
    for (let k = 0; k < count; k++) {
      const target = targetOf[first + k];
      const base = k * perArch;
      let sum = 0, n = 0, lo = Infinity, hi = -Infinity;
      for (let s = 0; s < numSeeds; s++) {
        for (let e = 0; e < numEpochs; e++) {
          const at = base + (s * numEpochs + e) * numObjectives;
          errors[(target * numSeeds + s) * numEpochs + e] = values[at + columns.validError];
          const t = values[at + columns.runtime];
          if (Number.isFinite(t)) { sum += t; n++; if (t < lo) lo = t; if (t > hi) hi = t; }
        }
      }
      if (n === 0) throw new ConversionError(`arch row ${first + k}: metric_runtime is NaN for every seed and epoch`);
      runtime[target] = sum / n;
      runtimeSpread = Math.max(runtimeSpread, (hi - lo) / (sum / n));
      if (columns.latency >= 0 && Number.isFinite(values[base + columns.latency])) latency[target] = values[base + columns.latency];
      if (columns.params >= 0 && !closeTo(values[base + columns.params], referenceParams[target])) paramsMismatches++;
    }
    options.onChunk?.(first + count, rows);
  }
  // A wrong row -> arch mapping shows as params that do not belong to the arch a row was assigned to.
  if (columns.params >= 0 && paramsMismatches > 0.01 * numArchs) {
    throw new ConversionError(`metric_params disagrees with the reference table's params_mb for ${paramsMismatches} of ${numArchs} archs: the rows do not map to the expected architectures`);
  }
  const imputedValues = imputeMissingSeeds(errors, numArchs, numSeeds, numEpochs);
  const { validError, finalError } = quantise(errors, numArchs, numSeeds, numEpochs);
  return { numArchs, numSeeds, numEpochs, validError, finalError, runtime, latency, imputedValues, runtimeMaxRelativeSpread: runtimeSpread, paramsMismatches };
}

function closeTo(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-4 + 1e-3 * Math.abs(b);
}

/** Fill NaN errors with the mean of the other seeds at that epoch (Syne Tune's own rule). */
function imputeMissingSeeds(errors: Float32Array, archs: number, seeds: number, epochs: number): number {
  let imputed = 0;
  for (let a = 0; a < archs; a++) {
    for (let e = 0; e < epochs; e++) {
      let sum = 0, n = 0;
      for (let s = 0; s < seeds; s++) {
        const v = errors[(a * seeds + s) * epochs + e];
        if (Number.isFinite(v)) { sum += v; n++; }
      }
      if (n === seeds) continue;
      if (n === 0) throw new ConversionError(`arch ${a} epoch ${e + 1}: metric_valid_error is NaN for every seed`);
      for (let s = 0; s < seeds; s++) {
        const at = (a * seeds + s) * epochs + e;
        if (!Number.isFinite(errors[at])) { errors[at] = sum / n; imputed++; }
      }
    }
  }
  return imputed;
}

/** uint16 x 1e-4 per value; the final error keeps float precision (mean of the seeds at the last epoch). */
function quantise(errors: Float32Array, archs: number, seeds: number, epochs: number): { validError: Uint16Array; finalError: Float32Array } {
  const validError = new Uint16Array(errors.length);
  for (let i = 0; i < errors.length; i++) validError[i] = Math.min(65535, Math.max(0, Math.round(errors[i] * 1e4)));
  const finalError = new Float32Array(archs);
  for (let a = 0; a < archs; a++) {
    let sum = 0;
    for (let s = 0; s < seeds; s++) sum += errors[(a * seeds + s) * epochs + epochs - 1];
    finalError[a] = sum / seeds;
  }
  return { validError, finalError };
}
