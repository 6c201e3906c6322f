/**
 * valid_error rows read from the cache as they are first asked for (openTableFile), packed in the order
 * they were read, so the pages a study touches are about as many as the rows it reads.
 */
export interface TableRows {
  /**
   * The rows read so far: row slot[i] of these is architecture i's. It grows as rows are read (a new
   * array each time), so read it again after `fill`: room for all 15,625 rows at once would be 19 MB of
   * external memory, which makes V8 collect garbage early in every study.
   */
  readonly values: Uint16Array;
  /** slot[i] is the row of `values` that holds architecture i, or -1 while it is not read. */
  readonly slot: Int32Array;
  /** Reads architecture i's row and returns its slot; on a damaged cache, all rows from the gzip table (TableError if that fails). */
  fill(index: number): number;
  /** Closes the cache file; rows not read by then come from the gzip table if asked for. */
  close(): void;
}
