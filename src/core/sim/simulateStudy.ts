import type { SimulationOptions, SimulationSummary } from './simulationOptions';
import { StudySimulation } from './studySimulation';

export type { SimulationOptions, SimulationSummary, StopReason } from './simulationOptions';

/**
 * Runs one study on the simulated clock: N workers train trials epoch by epoch on the benchmark
 * table, the scheduler decides at every result, the searcher proposes every new config. Emits
 * trialStarted/Resumed/Paused/Stopped, result, bracketOpened, rungCompleted, incumbentChanged,
 * fallback and progress; the same inputs give the same event sequence (except with measured
 * decision time, which reads the wall clock).
 */
export async function simulateStudy(options: SimulationOptions): Promise<SimulationSummary> {
  return new StudySimulation(options).run();
}
