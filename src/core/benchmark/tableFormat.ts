/**
 * The NB201MF1 container: gzip of "NB201MF1", uint32 LE header length, UTF-8 JSON header, zero padding
 * to an 8-byte boundary (from file start), then the data section. Every array in `header.arrays` has a
 * byteOffset (from the data start, 8-aligned) and is little-endian, row-major. Decoding returns typed
 * views onto the decompressed buffer, without copying.
 */
import { TableError } from './tableError';

export const TABLE_MAGIC = 'NB201MF1';
const PREFIX_BYTES = 12; // magic + header length

export type TableDtype = 'uint8' | 'uint16' | 'uint32' | 'int32' | 'float32' | 'float64';
export type TableTypedArray = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

const DTYPES: Record<TableDtype, { bytes: number; view: (b: ArrayBuffer, off: number, n: number) => TableTypedArray }> = {
  uint8: { bytes: 1, view: (b, o, n) => new Uint8Array(b, o, n) },
  uint16: { bytes: 2, view: (b, o, n) => new Uint16Array(b, o, n) },
  uint32: { bytes: 4, view: (b, o, n) => new Uint32Array(b, o, n) },
  int32: { bytes: 4, view: (b, o, n) => new Int32Array(b, o, n) },
  float32: { bytes: 4, view: (b, o, n) => new Float32Array(b, o, n) },
  float64: { bytes: 8, view: (b, o, n) => new Float64Array(b, o, n) },
};

// Typed arrays are host-endian; the format is little-endian, so refuse to misread on a big-endian host.
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export interface TableArraySpec {
  readonly name: string;
  readonly dtype: TableDtype;
  /** Stored value x scale = real value (e.g. 1e-4 for uint16 errors). */
  readonly scale: number;
  readonly shape: readonly number[];
  readonly byteOffset: number;
  readonly byteLength: number;
  readonly [extra: string]: unknown;
}

export interface TableHeader {
  readonly format: string;
  readonly version: number;
  readonly numArchs: number;
  readonly numSeeds: number;
  readonly numEpochs: number;
  readonly arrays: readonly TableArraySpec[];
  readonly [extra: string]: unknown;
}

export interface DecodedTable {
  readonly header: TableHeader;
  readonly arrays: ReadonlyMap<string, TableTypedArray>;
}

/** One array to encode: its data and description (byteOffset/byteLength are computed). */
export interface TableArrayInput {
  readonly name: string;
  readonly dtype: TableDtype;
  readonly scale: number;
  readonly shape: readonly number[];
  readonly data: TableTypedArray;
  readonly [extra: string]: unknown;
}

export function dtypeBytes(dtype: TableDtype): number {
  return DTYPES[dtype].bytes;
}

export function isTableDtype(value: unknown): value is TableDtype {
  return typeof value === 'string' && Object.hasOwn(DTYPES, value);
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * The container size its first bytes declare (prefix + header + `dataByteLength`), or undefined when
 * `prefix` does not hold the whole header or the header declares no data length. Lets a reader cap
 * decompression at what the file says it holds instead of trusting the compressed stream.
 */
export function declaredContainerBytes(prefix: Uint8Array): number | undefined {
  if (prefix.byteLength < PREFIX_BYTES) return undefined;
  const headerLength = new DataView(prefix.buffer, prefix.byteOffset, PREFIX_BYTES).getUint32(8, true);
  if (PREFIX_BYTES + headerLength > prefix.byteLength) return undefined;
  try {
    const header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(prefix.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength)));
    const declared = (header as { dataByteLength?: unknown } | null)?.dataByteLength;
    return Number.isInteger(declared) && (declared as number) >= 0 ? align8(PREFIX_BYTES + headerLength) + (declared as number) : undefined;
  } catch {
    return undefined; // decodeTable reports the bad header with its reason
  }
}

/** Decode an uncompressed container. Throws TableError (reason only; the caller adds the path and the fix). */
export function decodeTable(raw: Uint8Array): DecodedTable {
  if (!HOST_IS_LITTLE_ENDIAN) throw new TableError('this loader needs a little-endian host', 'unreadable');
  if (raw.byteLength < PREFIX_BYTES) throw new TableError(`file too short (${raw.byteLength} bytes) to hold the NB201MF1 prefix`, 'truncated');
  const magic = Buffer.from(raw.buffer, raw.byteOffset, 8).toString('latin1');
  if (magic !== TABLE_MAGIC) throw new TableError(`bad magic ${JSON.stringify(magic)} (expected "${TABLE_MAGIC}")`, 'bad-magic');
  const headerLength = new DataView(raw.buffer, raw.byteOffset, PREFIX_BYTES).getUint32(8, true);
  if (PREFIX_BYTES + headerLength > raw.byteLength) {
    throw new TableError(`header says ${headerLength} bytes but only ${raw.byteLength - PREFIX_BYTES} follow`, 'truncated');
  }
  let header: TableHeader;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength)));
  } catch (err) {
    throw new TableError(`header is not valid UTF-8 JSON (${(err as Error).message})`, 'bad-header');
  }
  validateHeaderShape(header);
  const dataStart = align8(PREFIX_BYTES + headerLength);
  // Views need the element alignment in the underlying ArrayBuffer; a pooled/sliced buffer may break it.
  if ((raw.byteOffset + dataStart) % 8 !== 0) raw = new Uint8Array(raw);
  const dataLength = raw.byteLength - dataStart;
  const declared = header.dataByteLength;
  if (typeof declared === 'number' && declared !== dataLength) {
    throw new TableError(`data section is ${dataLength} bytes, header declares ${declared}`, dataLength < declared ? 'truncated' : 'bad-header');
  }
  const arrays = new Map<string, TableTypedArray>();
  for (const spec of header.arrays) {
    validateArraySpec(spec, dataLength);
    const count = spec.byteLength / DTYPES[spec.dtype].bytes;
    arrays.set(spec.name, DTYPES[spec.dtype].view(raw.buffer as ArrayBuffer, raw.byteOffset + dataStart + spec.byteOffset, count));
  }
  return { header, arrays };
}

function validateHeaderShape(header: unknown): asserts header is TableHeader {
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new TableError('header is not a JSON object', 'bad-header');
  const h = header as Record<string, unknown>;
  for (const key of ['numArchs', 'numSeeds', 'numEpochs', 'version']) {
    if (!Number.isInteger(h[key]) || (h[key] as number) < 1) throw new TableError(`header field ${key} must be a positive integer, got ${JSON.stringify(h[key])}`, 'bad-header');
  }
  if (typeof h.format !== 'string') throw new TableError('header field format is missing', 'bad-header');
  if (!Array.isArray(h.arrays)) throw new TableError('header field arrays is missing', 'bad-header');
  const names = new Set<string>();
  for (const a of h.arrays as unknown[]) {
    const name = (a as { name?: unknown })?.name;
    if (typeof name !== 'string') throw new TableError('an entry of header.arrays has no name', 'bad-header');
    if (names.has(name)) throw new TableError(`array ${name} is listed twice`, 'bad-header');
    names.add(name);
  }
}

function validateArraySpec(spec: TableArraySpec, dataLength: number): void {
  const where = `array ${spec.name}`;
  if (!isTableDtype(spec.dtype)) throw new TableError(`${where}: unknown dtype ${JSON.stringify(spec.dtype)}`, 'bad-array');
  if (!Array.isArray(spec.shape) || !spec.shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new TableError(`${where}: bad shape ${JSON.stringify(spec.shape)}`, 'bad-array');
  }
  if (typeof spec.scale !== 'number' || !Number.isFinite(spec.scale) || spec.scale <= 0) {
    throw new TableError(`${where}: scale must be a positive number, got ${JSON.stringify(spec.scale)}`, 'bad-array');
  }
  const bytes = DTYPES[spec.dtype].bytes;
  const expected = product(spec.shape) * bytes;
  if (spec.byteLength !== expected) {
    throw new TableError(`${where}: byteLength ${spec.byteLength} != ${expected} (shape ${JSON.stringify(spec.shape)} x ${bytes} bytes)`, 'bad-array');
  }
  if (!Number.isInteger(spec.byteOffset) || spec.byteOffset < 0 || spec.byteOffset % 8 !== 0) {
    throw new TableError(`${where}: byteOffset ${spec.byteOffset} is not a non-negative multiple of 8`, 'bad-array');
  }
  if (spec.byteOffset + spec.byteLength > dataLength) {
    throw new TableError(`${where}: bytes ${spec.byteOffset}..${spec.byteOffset + spec.byteLength} lie beyond the ${dataLength}-byte data section`, 'truncated');
  }
}

/** Lay out header and arrays as an uncompressed container (gzip it to get the file). */
export function encodeTable(headerFields: Omit<TableHeader, 'arrays'>, inputs: readonly TableArrayInput[]): Uint8Array {
  const specs: TableArraySpec[] = [];
  let offset = 0;
  for (const { data, ...description } of inputs) {
    const byteLength = product(description.shape) * dtypeBytes(description.dtype);
    if (data.byteLength !== byteLength) throw new Error(`encodeTable: ${description.name} has ${data.byteLength} bytes, shape needs ${byteLength}`);
    specs.push({ ...description, byteOffset: offset, byteLength });
    offset = align8(offset + byteLength);
  }
  const dataByteLength = specs.length ? specs[specs.length - 1].byteOffset + specs[specs.length - 1].byteLength : 0;
  const headerBytes = new TextEncoder().encode(JSON.stringify({ ...headerFields, arrays: specs, dataByteLength }));
  const dataStart = align8(PREFIX_BYTES + headerBytes.byteLength);
  const out = new Uint8Array(dataStart + dataByteLength);
  out.set(new TextEncoder().encode(TABLE_MAGIC), 0);
  new DataView(out.buffer).setUint32(8, headerBytes.byteLength, true);
  out.set(headerBytes, PREFIX_BYTES);
  inputs.forEach((input, i) => {
    out.set(new Uint8Array(input.data.buffer, input.data.byteOffset, input.data.byteLength), dataStart + specs[i].byteOffset);
  });
  return out;
}
