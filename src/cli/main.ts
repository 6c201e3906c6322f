/**
 * Headless entry point (bundled to dist/cli.js): `node dist/cli.js <command> [options]`.
 * Exit codes: 0 success, 1 failure (table unusable, export refused ...), 2 bad command line, 130 cancelled.
 */
import { setMaxListeners } from 'node:events';
import { TableError } from '../core/benchmark/tableError';
import { EventLogError } from '../core/study/eventLog';
import { OutputFolderError } from '../core/study/outputFolderError';
import { StudyLockedError } from '../core/study/studyLock';
import { StudySpecError } from '../core/study/studySpec';
import { UsageError } from './cliArgs';
import { afterOutputWritten, processOutput, type CommandOutput } from './commandOutput';
import { studyCommand } from './studyCommand';

export const MAIN_HELP = `LLAMBO NAS — headless runner (simulated multi-fidelity NAS on NAS-Bench-201 / CIFAR-10)

Usage: node dist/cli.js <command> [options]      (node dist/cli.js <command> --help for its options)

Commands:
  study          run one study:  study --searcher random --scheduler sync-hyperband --workers 4 --hours 5 --seed 0
                 (no --searcher: LLAMBO if an LLM endpoint is configured, else the four baselines)
                 LLAMBO: study --searcher llambo --llm-base-url http://127.0.0.1:11434/v1 --model llama3.1
                 (or OPENAI_API_KEY for OpenAI; the key is read from the environment only)
  compare        run searchers x seeds and compare them (IQM, bootstrap CI, median, quartiles, regret)
  export         export a saved study (study --out DIR) as Syne Tune results, CSV or JSONL
  import-table   import Syne Tune's exact nasbench201 table (from a folder or downloaded)
  brackets       print the synchronous Hyperband bracket table

Results from the bundled table: epochs 1-199 are model-generated (the epoch-200 seed mean is real).`;

type Command = (args: readonly string[], out: CommandOutput, signal?: AbortSignal, env?: NodeJS.ProcessEnv) => number | Promise<number>;

/*
 * The commands other than `study` are required when they are run: their modules (worker threads, child
 * processes, the Parquet reader, fs/promises ...) are then neither initialised nor loaded by a study.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- lazy loads of the commands a study does not need */
const COMMANDS: Record<string, () => Command> = {
  study: () => studyCommand,
  compare: () => (require('./compareCommand') as typeof import('./compareCommand')).compareCommand,
  export: () => (require('./exportCommand') as typeof import('./exportCommand')).exportCommand,
  'import-table': () => (require('./importTableCommand') as typeof import('./importTableCommand')).importTableCommand,
  brackets: () => (require('./bracketsCommand') as typeof import('./bracketsCommand')).bracketsCommand,
  bench: () => (require('./benchCommand') as typeof import('./benchCommand')).benchCommand,
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** Runs the command line and returns the exit code; never throws. `env` is where OPENAI_API_KEY / LLAMBO_* are read (tests pass their own). */
export async function runCli(
  argv: readonly string[], out: CommandOutput = processOutput, signal?: AbortSignal, env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    out.stdout(MAIN_HELP);
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    out.stderr(`error: unknown command ${JSON.stringify(name)}; commands: ${Object.keys(COMMANDS).filter((c) => c !== 'bench').join(', ')} (see --help)`);
    return 2;
  }
  try {
    return await command()(args, out, signal, env);
  } catch (error) {
    return reportError(name, error, out);
  }
}

function reportError(command: string, error: unknown, out: CommandOutput): number {
  if (error instanceof UsageError || error instanceof StudySpecError) {
    out.stderr(`error: ${error.message}`);
    out.stderr(`(see node dist/cli.js ${command} --help)`);
    return 2;
  }
  if (error instanceof TableError || error instanceof EventLogError || error instanceof StudyLockedError || error instanceof OutputFolderError) {
    out.stderr(`error: ${error.message.replace(/\s*\n\s*/g, ' ')}`);
    return 1;
  }
  if (signalAborted(error)) {
    out.stderr('cancelled');
    return 130;
  }
  const message = error instanceof Error ? error.message : String(error);
  out.stderr(`error: ${message}`);
  if (process.env.LLAMBO_NAS_DEBUG && error instanceof Error && error.stack) out.stderr(error.stack);
  return 1;
}

function signalAborted(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || /cancelled|aborted/i.test(error.message));
}

/** Exit code when stdout was closed by the reader (`study | head -1`): what was wanted was read. */
const STDOUT_CLOSED_EXIT = 0;

/**
 * Runs the process's command line with Ctrl-C and a closed stdout handled, and sets the exit code.
 * dist/cli.js (src/boot/cliLauncher.ts) calls it after loading this bundle with V8's code cache.
 */
export function runMain(): void {
  const controller = new AbortController();
  // Every LLM request waiting or in flight listens on this one signal: dozens at once is normal, not a leak.
  setMaxListeners(0, controller.signal);
  // The study loop yields to the event loop (core/sim/eventLoopYield.ts), so this reaches it within a slice;
  // it then ends as cancelled, with its log valid to that point. A second Ctrl-C does not wait for that.
  process.once('SIGINT', () => {
    controller.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  let stdoutClosed = false;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    // The reader is gone: stop the work quietly, and write nothing more to it.
    stdoutClosed = true;
    controller.abort();
  });
  const output: CommandOutput = {
    stdout: (line) => { if (!stdoutClosed) processOutput.stdout(line); },
    stderr: processOutput.stderr,
    get progressStream() { return processOutput.progressStream; },
  };
  runCli(process.argv.slice(2), output, controller.signal).then((code) => {
    process.exitCode = stdoutClosed ? STDOUT_CLOSED_EXIT : code;
    // Done: exit now rather than when the event loop ends. Ending it waits for V8's background work (a
    // concurrent marking or optimising compile started by the study) that nothing here needs; every command
    // has finished its writes when it returns, and the output is on its way to the OS (afterOutputWritten).
    afterOutputWritten(() => process.exit());
  });
}
