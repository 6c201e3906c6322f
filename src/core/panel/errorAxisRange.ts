/**
 * The y range of an error-over-time chart that shows where the searchers differ: from the lowest
 * value (or the optimum, drawn as a reference) up to the highest incumbent once the first results are
 * in. The first incumbents are far worse than anything later (0.3-0.9 against ~0.06 on NB201), and
 * an axis that includes them leaves every line in the bottom few percent of the plot; the early
 * descent enters from above instead.
 */

export interface ErrorTrace {
  readonly time: readonly number[];
  readonly values: readonly (number | null)[];
  /** Band edges, drawn with the line and so kept in range. */
  readonly low?: readonly number[] | null;
  readonly high?: readonly number[] | null;
}

/** Share of the time axis after which the values count towards the top of the range. */
export const SETTLED_SHARE = 0.1;
/** Margin added above and below, as a share of the range. */
const PAD = 0.08;

/**
 * [min, max] of the values from `SETTLED_SHARE` of the time span on (all values when the span is
 * empty), with the optimum inside; undefined without any finite value. With `positive`, the lower
 * end stays above zero (a log axis).
 */
export function errorAxisRange(traces: readonly ErrorTrace[], optimum: number | null, positive = false): [number, number] | undefined {
  const end = Math.max(0, ...traces.map((t) => t.time[t.time.length - 1] ?? 0));
  const start = Math.min(end, ...traces.map((t) => t.time[0] ?? end));
  const settled = start + (end - start) * SETTLED_SHARE;
  const lows: number[] = [], highs: number[] = [];
  for (const trace of traces) {
    trace.time.forEach((t, i) => {
      const v = trace.values[i];
      if (v === null || v === undefined || !Number.isFinite(v)) return;
      const lo = Math.min(v, trace.low?.[i] ?? v), hi = Math.max(v, trace.high?.[i] ?? v);
      lows.push(lo);
      // A step line holds its value until the next point, so a point before `settled` counts when the next one is after it.
      const next = trace.time[i + 1];
      if (t >= settled || next === undefined || next > settled || end === start) highs.push(hi);
    });
  }
  const usable = (v: number) => Number.isFinite(v) && (!positive || v > 0);
  const bottom = [...lows, ...(optimum !== null ? [optimum] : [])].filter(usable);
  const top = [...highs, ...(optimum !== null ? [optimum] : [])].filter(usable);
  if (bottom.length === 0 || top.length === 0) return undefined;
  const lo = Math.min(...bottom), hi = Math.max(...top);
  if (positive) return [lo / (1 + PAD * 2), hi * (1 + PAD * 2)];
  const pad = Math.max(hi - lo, Math.abs(hi) * 0.02, 1e-6) * PAD;
  return [Math.max(0, lo - pad), hi + pad];
}
