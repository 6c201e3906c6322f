/** `brackets`: prints the synchronous Hyperband bracket table of a rung system. */
import { geometricBrackets, type RungSpec } from '../core/schedulers/rungSystem';
import { NUMERIC_RANGES as R } from '../core/study/numericRanges';
import { rangedFlag, parseCommandArgs, UsageError } from './cliArgs';
import type { CommandOutput } from './commandOutput';

export const BRACKETS_HELP = `Usage: node dist/cli.js brackets [--r-min 1] [--eta 3] [--r-max 200] [--json]

Prints the bracket types of geometric synchronous Hyperband (Syne Tune's rule) as slots@epoch per
rung, with the epochs one bracket trains when promoted trials resume from their checkpoint.`;

export function bracketsCommand(args: readonly string[], out: CommandOutput): number {
  const values = parseCommandArgs('brackets', args, {
    'r-min': { type: 'string' }, eta: { type: 'string' }, 'r-max': { type: 'string' }, json: { type: 'boolean' },
  });
  if (values.help) { out.stdout(BRACKETS_HELP); return 0; }
  const rMin = rangedFlag(values, 'r-min', R.rMin) ?? 1;
  const eta = rangedFlag(values, 'eta', R.eta) ?? 3;
  const rMax = rangedFlag(values, 'r-max', R.rMax) ?? 200;
  let brackets: RungSpec[][];
  try {
    brackets = geometricBrackets(rMin, eta, rMax);
  } catch (error) {
    throw new UsageError(`brackets: ${(error as Error).message}`);
  }
  if (values.json) {
    out.stdout(JSON.stringify({ rMin, eta, rMax, brackets: brackets.map((rungs, b) => ({ bracket: b, rungs, epochs: bracketEpochs(rungs) })) }));
    return 0;
  }
  out.stdout(`Synchronous Hyperband brackets (r_min=${rMin}, eta=${eta}, r_max=${rMax}): slots@epoch`);
  for (const [b, rungs] of brackets.entries()) {
    const shape = rungs.map((r) => `${r.slots}@${r.level}`).join(' ');
    out.stdout(`  b${b}  ${shape.padEnd(36)}  ${rungs[0].slots} new trials, ${bracketEpochs(rungs)} epochs`);
  }
  return 0;
}

/** Epochs trained by one bracket when promoted trials resume from their paused epoch. */
export function bracketEpochs(rungs: readonly RungSpec[]): number {
  let total = 0, previous = 0;
  for (const rung of rungs) {
    total += rung.slots * (rung.level - previous);
    previous = rung.level;
  }
  return total;
}
