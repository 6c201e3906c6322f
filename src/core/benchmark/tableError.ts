/** The one error type for a table that cannot be found, read or trusted; its message says what and how to fix it. */
export class TableError extends Error {
  constructor(
    message: string,
    /** Short machine-readable cause, e.g. 'missing-file', 'not-gzip', 'truncated', 'bad-magic', 'bad-header', 'bad-array'. */
    readonly reason: TableErrorReason,
  ) {
    super(message);
    this.name = 'TableError';
  }
}

export type TableErrorReason =
  | 'missing-file' | 'unreadable' | 'not-gzip' | 'truncated' | 'bad-magic' | 'bad-header' | 'bad-array' | 'bad-source';
