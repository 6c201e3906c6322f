/**
 * Builds a scheduler from its kind. Kept apart from the Scheduler contract (scheduler.ts) so the
 * implementations can import the contract without a cycle back to the factory.
 */
import { AshaScheduler } from './ashaScheduler';
import { DehbScheduler } from './dehbScheduler';
import { FifoScheduler } from './fifoScheduler';
import type { Scheduler, SchedulerKind, SchedulerOptions } from './scheduler';
import { SyncHyperbandScheduler } from './syncHyperbandScheduler';

export function createScheduler(kind: SchedulerKind, options: SchedulerOptions): Scheduler {
  switch (kind) {
    case 'sync-hyperband': return new SyncHyperbandScheduler(options, 'all-brackets');
    case 'sync-sh': return new SyncHyperbandScheduler(options, 'first-bracket-only');
    case 'asha': return new AshaScheduler(options);
    case 'fifo': return new FifoScheduler(options);
    case 'dehb': return new DehbScheduler(options);
    default: throw new Error(`unknown scheduler kind: ${String(kind satisfies never)}`);
  }
}
