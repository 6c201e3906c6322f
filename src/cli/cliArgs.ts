/**
 * Argument parsing shared by the commands: node:util parseArgs in strict mode, with every problem
 * (unknown flag, missing or malformed value) turned into a UsageError, which exits with code 2.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { describeRange, isInRange, type NumericRange } from '../core/study/numericRanges';

/** Bad command line: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;
export type FlagValues = Record<string, string | boolean | undefined>;

/** Parses `args` for `command`; `--help`/`-h` is always accepted. */
export function parseCommandArgs(command: string, args: readonly string[], options: OptionSpecs): FlagValues {
  try {
    const { values } = parseArgs({
      args: [...args],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    });
    return values as FlagValues;
  } catch (error) {
    const message = (error as Error).message.replace(/\s*\n\s*/g, ' ');
    throw new UsageError(`${command}: ${message}`);
  }
}

export function stringFlag(values: FlagValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A numeric flag; undefined when absent, UsageError when it is not a number. */
function numberFlag(values: FlagValues, name: string): number | undefined {
  const text = stringFlag(values, name);
  if (text === undefined) return undefined;
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--${name}: must be a number (got ${JSON.stringify(text)})`);
  return value;
}

/** A numeric flag checked against its range (numericRanges.ts); the error names the flag and the range. */
export function rangedFlag(values: FlagValues, name: string, range: NumericRange): number | undefined {
  const value = numberFlag(values, name);
  if (value === undefined) return undefined;
  if (!isInRange(value, range)) throw new UsageError(`--${name}: ${describeRange(range)} (got ${stringFlag(values, name)})`);
  return value;
}

/** A flag whose value must be one of `choices`. */
export function choiceFlag<T extends string>(values: FlagValues, name: string, choices: readonly T[]): T | undefined {
  const text = stringFlag(values, name);
  if (text === undefined) return undefined;
  if (!(choices as readonly string[]).includes(text)) {
    throw new UsageError(`--${name}: must be one of ${choices.join(', ')} (got ${JSON.stringify(text)})`);
  }
  return text as T;
}
