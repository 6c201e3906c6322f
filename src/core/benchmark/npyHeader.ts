/**
 * The NumPy .npy header (format versions 1.0, 2.0 and 3.0): magic "\x93NUMPY", version bytes, a
 * little-endian header length (uint16 in 1.0, uint32 in 2.0/3.0) and a Python dict literal such as
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 15625, 3, 200, 7), }`, space-padded and
 * newline-terminated so that the data starts on a 64-byte boundary.
 */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export type NpyDtype = 'float32' | 'float64' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'bool';

const DESCR: Record<string, { dtype: NpyDtype; bytes: number }> = {
  f4: { dtype: 'float32', bytes: 4 }, f8: { dtype: 'float64', bytes: 8 },
  i1: { dtype: 'int8', bytes: 1 }, u1: { dtype: 'uint8', bytes: 1 }, b1: { dtype: 'bool', bytes: 1 },
  i2: { dtype: 'int16', bytes: 2 }, u2: { dtype: 'uint16', bytes: 2 },
  i4: { dtype: 'int32', bytes: 4 }, u4: { dtype: 'uint32', bytes: 4 },
  i8: { dtype: 'int64', bytes: 8 }, u8: { dtype: 'uint64', bytes: 8 },
};

export interface NpyHeader {
  readonly version: string;
  readonly descr: string;
  readonly dtype: NpyDtype;
  readonly bytesPerElement: number;
  readonly shape: readonly number[];
  /** Byte offset of the first element from the start of the file. */
  readonly dataOffset: number;
  /** product(shape) * bytesPerElement. */
  readonly dataByteLength: number;
}

export class NpyError extends Error {
  override name = 'NpyError';
}

/** Bytes that certainly hold the prefix and the length field; the whole header needs `npyHeaderLength`. */
export const NPY_PREFIX_BYTES = 12;

/** Total header size (prefix + dict) from the first 12 bytes, so a reader knows how much to fetch. */
export function npyHeaderLength(prefix: Uint8Array): number {
  if (prefix.length < 10 || !MAGIC.every((b, i) => prefix[i] === b)) throw new NpyError('not a .npy file (magic \\x93NUMPY missing)');
  const major = prefix[6];
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  if (major === 1) return 10 + view.getUint16(8, true);
  if (major === 2 || major === 3) {
    if (prefix.length < 12) throw new NpyError('truncated .npy prefix');
    return 12 + view.getUint32(8, true);
  }
  throw new NpyError(`unsupported .npy format version ${major}.${prefix[7]}`);
}

/** Parse the header at the start of `bytes` (which must hold at least npyHeaderLength(bytes) bytes). */
export function parseNpyHeader(bytes: Uint8Array): NpyHeader {
  const dataOffset = npyHeaderLength(bytes);
  if (bytes.length < dataOffset) throw new NpyError(`truncated .npy header (${bytes.length} of ${dataOffset} bytes)`);
  const major = bytes[6];
  const start = major === 1 ? 10 : 12;
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, dataOffset));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new NpyError(`cannot parse .npy header ${JSON.stringify(text.trim())}`);
  if (fortran === 'True') throw new NpyError('Fortran-ordered .npy arrays are not supported');
  const m = /^([<>|=])([a-z]\d+)$/.exec(descr);
  const kind = m ? DESCR[m[2]] : undefined;
  if (!m || !kind) throw new NpyError(`unsupported .npy dtype ${JSON.stringify(descr)}`);
  if (m[1] === '>' && kind.bytes > 1) throw new NpyError(`big-endian .npy data (${descr}) is not supported`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) throw new NpyError(`bad .npy shape (${shapeText})`);
  const count = shape.reduce((a, b) => a * b, 1);
  return { version: `${major}.${bytes[7]}`, descr, dtype: kind.dtype, bytesPerElement: kind.bytes, shape, dataOffset, dataByteLength: count * kind.bytes };
}

/** A version 1.0 header (2.0 when the dict is too long), padded so data starts on a 64-byte boundary. */
export function encodeNpyHeader(descr: string, shape: readonly number[]): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const v1 = dict.length + 11 < 65536;
  const prefix = v1 ? 10 : 12;
  const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  out[6] = v1 ? 1 : 2;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (v1) view.setUint16(8, total - prefix, true); else view.setUint32(8, total - prefix, true);
  const text = dict.padEnd(total - prefix - 1, ' ') + '\n';
  for (let i = 0; i < text.length; i++) out[prefix + i] = text.charCodeAt(i);
  return out;
}
