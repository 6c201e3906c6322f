/**
 * Reads a .npy file through a file handle: the header, then any byte range of the data on demand, so
 * that the 750 MB Syne Tune blackbox never has to be in memory at once. Reads are asynchronous so a
 * long import keeps the event loop (progress, cancellation) alive.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { NPY_PREFIX_BYTES, NpyError, npyHeaderLength, parseNpyHeader, type NpyHeader } from './npyHeader';

export class NpyReader {
  readonly header: NpyHeader;
  /** Size of the file on disk; less than the header promises when the file is truncated. */
  readonly fileSize: number;
  private handle: FileHandle | undefined;

  private constructor(handle: FileHandle, header: NpyHeader, fileSize: number) {
    this.handle = handle;
    this.header = header;
    this.fileSize = fileSize;
  }

  static async open(path: string): Promise<NpyReader> {
    const handle = await open(path, 'r');
    try {
      const fileSize = (await handle.stat()).size;
      const prefix = await readExactly(handle, 0, Math.min(NPY_PREFIX_BYTES, fileSize));
      const headerBytes = await readExactly(handle, 0, Math.min(npyHeaderLength(prefix), fileSize));
      return new NpyReader(handle, parseNpyHeader(headerBytes), fileSize);
    } catch (err) {
      await handle.close();
      throw err instanceof NpyError ? new NpyError(`${path}: ${err.message}`) : err;
    }
  }

  /** `length` bytes of the data section from `dataByteOffset` (relative to the first element), into `into` if big enough. */
  async readDataBytes(dataByteOffset: number, length: number, into?: Uint8Array): Promise<Uint8Array> {
    if (!this.handle) throw new NpyError('NpyReader is closed');
    const end = this.header.dataOffset + dataByteOffset + length;
    if (end > this.fileSize) throw new NpyError(`.npy file ends at byte ${this.fileSize}, ${end} needed (truncated file?)`);
    return readExactly(this.handle, this.header.dataOffset + dataByteOffset, length, into);
  }

  /** Elements [start, start+count) as numbers, for small arrays such as the fidelity values. */
  async readNumbers(start = 0, count = this.header.dataByteLength / this.header.bytesPerElement - start): Promise<number[]> {
    const size = this.header.bytesPerElement;
    const bytes = await this.readDataBytes(start * size, count * size);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const out: number[] = [];
    for (let i = 0; i < count; i++) out.push(readElement(view, i * size, this.header.dtype));
    return out;
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }
}

function readElement(view: DataView, at: number, dtype: NpyHeader['dtype']): number {
  switch (dtype) {
    case 'float32': return view.getFloat32(at, true);
    case 'float64': return view.getFloat64(at, true);
    case 'int8': return view.getInt8(at);
    case 'uint8': case 'bool': return view.getUint8(at);
    case 'int16': return view.getInt16(at, true);
    case 'uint16': return view.getUint16(at, true);
    case 'int32': return view.getInt32(at, true);
    case 'uint32': return view.getUint32(at, true);
    case 'int64': return Number(view.getBigInt64(at, true));
    case 'uint64': return Number(view.getBigUint64(at, true));
  }
}

async function readExactly(handle: FileHandle, position: number, length: number, into?: Uint8Array): Promise<Uint8Array> {
  const out = into && into.byteLength >= length ? into.subarray(0, length) : new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(out, done, length - done, position + done);
    if (bytesRead === 0) throw new NpyError(`unexpected end of file at byte ${position + done}`);
    done += bytesRead;
  }
  return out;
}
