/**
 * Reads a text file line by line in fixed-size chunks, so a log of any size is read in bounded memory
 * (a whole-file string stops at V8's ~512 MB string limit). UTF-8 characters split across chunks
 * are joined by the decoder. Synchronous, because the study readers (export, resume, panel open) are.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

export const LINE_CHUNK_BYTES = 1 << 20;

export interface FileLine {
  readonly text: string;
  /** 1-based. */
  readonly number: number;
  /** False only for a last line without its newline: a write that was cut off. */
  readonly terminated: boolean;
}

export function* fileLines(path: string, chunkBytes = LINE_CHUNK_BYTES): Generator<FileLine> {
  const fd = openSync(path, 'r');
  try {
    const chunk = Buffer.allocUnsafe(chunkBytes);
    const decoder = new StringDecoder('utf8');
    let pending = '';
    let number = 0;
    for (;;) {
      const read = readSync(fd, chunk, 0, chunkBytes, null);
      if (read === 0) break;
      const text = pending + decoder.write(chunk.subarray(0, read));
      let start = 0;
      for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
        yield { text: text.slice(start, end), number: ++number, terminated: true };
        start = end + 1;
      }
      pending = text.slice(start);
    }
    pending += decoder.end();
    if (pending !== '') yield { text: pending, number: ++number, terminated: false };
  } finally {
    closeSync(fd);
  }
}
