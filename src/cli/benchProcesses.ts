/**
 * The bench's fresh-process figures: a user's `study --json` starts a new process, so its table load and
 * study run cold. Runs that command in N fresh processes, one after the other, and collects each one's
 * wall time (spawn to exit), CPU time, peak RSS, table load and study time (the first study of a process),
 * and, alternating with them, the wall time of node running an empty script: the floor no CLI can go below.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const FRESH_STUDY_ARGS = ['study', '--searcher', 'random', '--scheduler', 'sync-hyperband', '--workers', '4', '--hours', '5', '--json'];
const RSS_MARK = 'llambo-nas-bench-max-rss-kib';
const CPU_MARK = 'llambo-nas-bench-cpu-us';

export interface FreshProcessTimes {
  readonly processWallMs: number[];
  /** User + system CPU time of the whole process (every thread) until its exit event: other processes on a busy machine stretch it less than the wall time. */
  readonly processCpuMs: number[];
  readonly peakRssMiB: number[];
  readonly tableLoadMs: number[];
  readonly coldStudyMs: number[];
  /** `node <empty file>` in the same environment, one per study process. */
  readonly nodeStartMs: number[];
}

/** Set in some environments (this workplace's among them): node then parses every certificate in that file at each start. */
export const EXTRA_CA_CERTS_VARIABLE = 'NODE_EXTRA_CA_CERTS';

/** `env` without NODE_EXTRA_CA_CERTS: the processes of a machine where it is not set. */
export function withoutExtraCaCerts(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const rest = { ...env };
  delete rest[EXTRA_CA_CERTS_VARIABLE];
  return rest;
}

/** Cold studies (the first of a process) of the same seeds, without a log and writing events.jsonl. */
export interface FreshEventLogTimes {
  readonly plainMs: number[];
  readonly loggedMs: number[];
}

/**
 * What the event log costs a user's `study`: `study --json --seed i`, then the same with `--out` (a folder
 * in `scratch`), alternating so that a busy machine slows both alike; the cold study time of each.
 */
export function timeFreshEventLog(cli: string, runs: number, scratch: string, env: NodeJS.ProcessEnv = process.env): FreshEventLogTimes {
  const times: FreshEventLogTimes = { plainMs: [], loggedMs: [] };
  for (let seed = 0; seed < runs; seed++) {
    const args = [cli, ...FRESH_STUDY_ARGS, '--seed', String(seed)];
    times.plainMs.push(freshStudy(args, env).summary.wallMs);
    times.loggedMs.push(freshStudy([...args, '--out', join(scratch, `log-s${seed}`)], env).summary.wallMs);
  }
  return times;
}

/** Runs one `node ...args` study process; its `--json` summary and stderr. */
function freshStudy(args: readonly string[], env: NodeJS.ProcessEnv): { summary: { wallMs: number; tableLoadMs: number }; stderr: string } {
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', env });
  if (child.status !== 0) throw new Error(`bench: ${args.slice(1).join(' ')} exited with ${child.status}: ${child.stderr}`);
  return { summary: JSON.parse(child.stdout) as { wallMs: number; tableLoadMs: number }, stderr: child.stderr };
}

/**
 * Runs `node <cli> study ... --seed i --json` for i < runs, in environment `env`. The peak RSS and CPU time
 * come from the process itself: a one-line preload (written to `scratch`) prints process.resourceUsage()'s
 * on exit, so no platform tool is needed.
 */
export function timeFreshStudies(cli: string, runs: number, scratch: string, env: NodeJS.ProcessEnv = process.env): FreshProcessTimes {
  const preload = join(scratch, 'max-rss.cjs');
  writeFileSync(preload, 'process.on(\'exit\', () => { const usage = process.resourceUsage(); ' +
    `process.stderr.write('\\n${RSS_MARK} ' + usage.maxRSS + ' ${CPU_MARK} ' + (usage.userCPUTime + usage.systemCPUTime) + '\\n'); });\n`);
  const empty = join(scratch, 'empty.cjs');
  writeFileSync(empty, '');
  const times: FreshProcessTimes = { processWallMs: [], processCpuMs: [], peakRssMiB: [], tableLoadMs: [], coldStudyMs: [], nodeStartMs: [] };
  // Untimed: the first process after a build writes the bundle's code cache (src/boot/bundleCodeCache.ts).
  spawnSync(process.execPath, [cli, ...FRESH_STUDY_ARGS, '--seed', String(runs)], { encoding: 'utf8', env });
  for (let seed = 0; seed < runs; seed++) {
    const nodeStarted = performance.now();
    spawnSync(process.execPath, [empty], { env });
    times.nodeStartMs.push(performance.now() - nodeStarted);
    const started = performance.now();
    const { summary, stderr } = freshStudy(['--require', preload, cli, ...FRESH_STUDY_ARGS, '--seed', String(seed)], env);
    const wallMs = performance.now() - started;
    const usage = new RegExp(`${RSS_MARK} (\\d+) ${CPU_MARK} (\\d+)`).exec(stderr);
    if (!usage) throw new Error('bench: the fresh study process did not report its peak RSS and CPU time');
    times.processWallMs.push(wallMs);
    times.processCpuMs.push(Number(usage[2]) / 1000);
    times.peakRssMiB.push(Number(usage[1]) / 1024);
    times.tableLoadMs.push(summary.tableLoadMs);
    times.coldStudyMs.push(summary.wallMs);
  }
  return times;
}
