/**
 * The jobs 0..count-1 of a threaded comparison, each claimed by exactly one of several threads through
 * one shared Int32 per job (compare-and-swap). Runner r of R starts at its own stretch of the list
 * (r x count / R) and walks on cyclically, taking every job nobody has claimed: each thread mostly runs
 * one stretch (in a comparison, a few of the entries, so each thread's JIT warms up for fewer
 * searchers), and once its stretch is done it helps with the others', so the threads end together.
 */

/** Room for the claims of `count` jobs, all unclaimed. */
export function newJobClaims(count: number): SharedArrayBuffer {
  return new SharedArrayBuffer(Math.max(1, count) * Int32Array.BYTES_PER_ELEMENT);
}

/** The jobs runner `runner` (0-based) of `runners` claims, in the order it claims them. */
export function* claimJobs(claims: SharedArrayBuffer, count: number, runner: number, runners: number): Generator<number> {
  const claimed = new Int32Array(claims);
  const start = Math.floor((runner * count) / runners);
  for (let step = 0; step < count; step++) {
    const index = (start + step) % count;
    if (Atomics.compareExchange(claimed, index, 0, 1) === 0) yield index;
  }
}
