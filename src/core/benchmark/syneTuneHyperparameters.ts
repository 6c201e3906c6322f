/**
 * Reads Syne Tune's `hyperparameters.parquet` for nasbench201: one row per architecture, columns
 * hp_x0..hp_x5 holding canonical op names for the edges 0->1, 0->2, 1->2, 0->3, 1->3, 2->3.
 * Syne Tune writes it with fastparquet and gzip compression, which hyparquet reads with a gzip codec.
 */
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { gunzipSync } from 'node:zlib';
import { OPS, SYNE_TUNE_KEYS, type Cell, type OpName } from '../nb201/searchSpace';

const decompressors = { GZIP: (input: Uint8Array) => new Uint8Array(gunzipSync(input)) };

/** The cells of the parquet rows, in row order. Throws on a missing column or an unknown op name. */
export async function readSyneTuneCells(path: string): Promise<Cell[]> {
  let rows: Record<string, unknown>[];
  try {
    rows = await parquetReadObjects({ file: await asyncBufferFromFile(path), columns: [...SYNE_TUNE_KEYS], compressors: decompressors });
  } catch (err) {
    throw new Error(`cannot read ${path} as Syne Tune hyperparameters (columns ${SYNE_TUNE_KEYS.join(', ')}): ${(err as Error).message}`, { cause: err });
  }
  const decoder = new TextDecoder();
  return rows.map((row, r) => SYNE_TUNE_KEYS.map((key) => {
    const raw: unknown = row[key];
    const name = raw instanceof Uint8Array ? decoder.decode(raw) : raw;
    const op = OPS.indexOf(name as OpName);
    if (op < 0) throw new Error(`${path}: row ${r} column ${key} holds ${JSON.stringify(name)}, not an NB201 op`);
    return op;
  }));
}
