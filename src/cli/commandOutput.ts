/** Where a command writes: lines to stdout (results) and stderr (notes, progress). Tests capture them. */
export interface CommandOutput {
  stdout(line: string): void;
  stderr(line: string): void;
  /** Stream for progress bars (drawn only when it is a TTY). */
  readonly progressStream: NodeJS.WriteStream;
}

export const processOutput: CommandOutput = {
  stdout: (line) => process.stdout.write(line + '\n'),
  stderr: (line) => process.stderr.write(line + '\n'),
  progressStream: process.stderr,
};
