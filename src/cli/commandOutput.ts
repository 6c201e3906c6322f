/** Where a command writes: lines to stdout (results) and stderr (notes, progress). Tests capture them. */
export interface CommandOutput {
  stdout(line: string): void;
  stderr(line: string): void;
  /** Stream for progress bars (drawn only when it is a TTY). */
  readonly progressStream: NodeJS.WriteStream;
}

/**
 * process.stderr is made when first read, which costs a process a few ms (its stream and the modules
 * behind it): a `study --json` that writes nothing there never makes it.
 */
let stderrMade = false;
function stderr(): NodeJS.WriteStream {
  stderrMade = true;
  return process.stderr;
}

export const processOutput: CommandOutput = {
  stdout: (line) => process.stdout.write(line + '\n'),
  stderr: (line) => stderr().write(line + '\n'),
  get progressStream() { return stderr(); },
};

/**
 * Calls `done` once everything processOutput wrote has been handed to the OS, so the process can exit
 * at once without cutting its output short. Where stdio writes are synchronous (files, TTYs and, on
 * Linux, pipes) nothing is pending and `done` runs now; otherwise after the pending writes.
 */
export function afterOutputWritten(done: () => void): void {
  const pending = [process.stdout, ...(stderrMade ? [process.stderr] : [])].filter((stream) => stream.writableLength > 0 && !stream.destroyed);
  let left = pending.length;
  if (left === 0) { done(); return; }
  // Writes complete in order: the callback of an empty write follows every write before it.
  for (const stream of pending) stream.write('', () => { if (--left === 0) done(); });
}
