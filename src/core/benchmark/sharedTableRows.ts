/**
 * The valid_error rows of a table that several threads use at once (a threaded comparison): the cache
 * file is read once into a SharedArrayBuffer (tableCache.ts, mode 'shared') and each row is read once
 * for all of them, by whichever thread first asks for it, into its own place in those shared bytes. A
 * 500-study comparison reads almost every one of the 15,625 rows; with a copy per thread each thread
 * read and checked them all again (a system call and a CRC each, ~0.3-0.7 s of CPU per thread here).
 *
 * Each row has a shared state: unread, being read (by one thread, which claimed it with a
 * compare-and-swap), or read. A thread that needs a row another is reading waits for it (Atomics.wait:
 * one row read takes microseconds). Each thread also keeps its own `slot` array of the rows it has seen
 * read, so the hot path (TableBenchmark.validError) stays a read of thread-local memory, and a row's
 * bytes are first used only after an Atomics.load saw it read, which orders them after the writer's.
 * A thread that fails to read a row gives it back (unread) before it throws, so no other thread waits
 * for it forever.
 */
import type { TableRows } from './tableRows';

/** What another thread needs to open the same table (structured-cloneable: the buffers are shared, not copied). */
export interface SharedTableFile {
  /** The gzip table the cache belongs to. */
  readonly path: string;
  readonly cacheDir?: string;
  /** The whole cache file (header, payload, row CRCs), checked by the thread that read it; rows in place once read. */
  readonly file: SharedArrayBuffer;
  /** One Int32 state per row (ROW_UNREAD, ROW_READING, ROW_READ). */
  readonly rowStates: SharedArrayBuffer;
}

const ROW_UNREAD = 0;
const ROW_READING = 1;
const ROW_READ = 2;

/** Row states for `count` rows, all unread. */
export function newRowStates(count: number): SharedArrayBuffer {
  return new SharedArrayBuffer(count * Int32Array.BYTES_PER_ELEMENT);
}

/**
 * TableRows over `values` (valid_error in the shared bytes, row i at row i) whose rows are read in
 * place by `read(index)` (which throws a TableError when the row cannot be had), once across the
 * threads that share `rowStates`.
 */
export function sharedTableRows(values: Uint16Array, rowStates: SharedArrayBuffer, read: (index: number) => void, close: () => void): TableRows {
  const states = new Int32Array(rowStates);
  const slot = new Int32Array(states.length).fill(-1);
  return {
    values,
    slot,
    fill: (index) => {
      for (;;) {
        const state = Atomics.load(states, index);
        if (state === ROW_READ) break;
        if (state === ROW_UNREAD && Atomics.compareExchange(states, index, ROW_UNREAD, ROW_READING) === ROW_UNREAD) {
          try {
            read(index);
          } catch (error) {
            Atomics.store(states, index, ROW_UNREAD);
            Atomics.notify(states, index);
            throw error;
          }
          Atomics.store(states, index, ROW_READ);
          Atomics.notify(states, index);
          break;
        }
        // Another thread is reading it (or just gave it back: then the loop claims it).
        Atomics.wait(states, index, ROW_READING);
      }
      slot[index] = index;
      return index;
    },
    close,
  };
}
