/**
 * A small projected L-BFGS for smooth objectives under box bounds (what the GP's hyperparameter fit
 * needs; Syne Tune uses scipy's L-BFGS-B). Directions come from the two-loop recursion over the last
 * few steps, restricted to the variables not held at a bound; steps are projected back into the box
 * and accepted by backtracking on the Armijo condition.
 */

export type ObjectiveWithGradient = (x: Float64Array, gradient: Float64Array) => number;

export interface BoxedLbfgsOptions {
  readonly maxIterations: number;
  /** Steps remembered for the curvature estimate. */
  readonly memory: number;
  /** Stop when every projected gradient entry is below this. */
  readonly gradientTolerance: number;
  /** Stop when an iteration improves the objective by less than this, relatively. */
  readonly relativeTolerance: number;
}

export const BOXED_LBFGS_DEFAULTS: BoxedLbfgsOptions = {
  maxIterations: 50, memory: 8, gradientTolerance: 1e-5, relativeTolerance: 1e-9,
};

export interface MinimizeResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly iterations: number;
  readonly evaluations: number;
}

const ARMIJO = 1e-4;
const MAX_BACKTRACKS = 30;

export function minimizeInBox(
  objective: ObjectiveWithGradient, start: Float64Array, lower: Float64Array, upper: Float64Array,
  options: Partial<BoxedLbfgsOptions> = {},
): MinimizeResult {
  const { maxIterations, memory, gradientTolerance, relativeTolerance } = { ...BOXED_LBFGS_DEFAULTS, ...options };
  const n = start.length;
  let x = clampInto(start.slice(), lower, upper);
  let gradient = new Float64Array(n);
  let value = objective(x, gradient);
  let evaluations = 1;
  const steps: Float64Array[] = [];
  const changes: Float64Array[] = [];
  let iterations = 0;
  while (iterations < maxIterations && Number.isFinite(value)) {
    if (maxAbs(projectedGradient(x, gradient, lower, upper)) < gradientTolerance) break;
    iterations++;
    let direction = searchDirection(x, gradient, lower, upper, steps, changes);
    if (dot(direction, gradient) >= 0) {
      steps.length = changes.length = 0;
      direction = searchDirection(x, gradient, lower, upper, steps, changes);
    }
    // Without curvature information yet, a unit step can be wild: cap its largest entry at 1.
    let stepLength = steps.length === 0 ? Math.min(1, 1 / Math.max(1e-12, maxAbs(direction))) : 1;
    const candidate = new Float64Array(n);
    const candidateGradient = new Float64Array(n);
    let accepted = false;
    let candidateValue = value;
    for (let backtrack = 0; backtrack < MAX_BACKTRACKS; backtrack++) {
      for (let i = 0; i < n; i++) candidate[i] = x[i] + stepLength * direction[i];
      clampInto(candidate, lower, upper);
      candidateValue = objective(candidate, candidateGradient);
      evaluations++;
      let decrease = 0;
      for (let i = 0; i < n; i++) decrease += gradient[i] * (candidate[i] - x[i]);
      if (Number.isFinite(candidateValue) && candidateValue <= value + ARMIJO * decrease) {
        accepted = true;
        break;
      }
      stepLength *= 0.5;
    }
    if (!accepted) {
      if (steps.length === 0) break; // even steepest descent makes no progress
      steps.length = changes.length = 0;
      continue;
    }
    const step = new Float64Array(n);
    const change = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      step[i] = candidate[i] - x[i];
      change[i] = candidateGradient[i] - gradient[i];
    }
    if (dot(step, change) > 1e-12) {
      steps.push(step);
      changes.push(change);
      if (steps.length > memory) { steps.shift(); changes.shift(); }
    }
    const improvement = value - candidateValue;
    x = candidate;
    gradient = candidateGradient;
    value = candidateValue;
    if (improvement <= relativeTolerance * Math.max(1, Math.abs(value))) break;
  }
  return { x, value, iterations, evaluations };
}

/** -H g by the two-loop recursion, with entries zeroed for variables held at a bound. */
function searchDirection(
  x: Float64Array, gradient: Float64Array, lower: Float64Array, upper: Float64Array,
  steps: readonly Float64Array[], changes: readonly Float64Array[],
): Float64Array {
  const n = x.length;
  const held = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    held[i] = (x[i] <= lower[i] && gradient[i] > 0) || (x[i] >= upper[i] && gradient[i] < 0) ? 1 : 0;
  }
  const q = new Float64Array(n);
  for (let i = 0; i < n; i++) q[i] = held[i] ? 0 : gradient[i];
  const m = steps.length;
  const rho = new Float64Array(m);
  const a = new Float64Array(m);
  for (let k = m - 1; k >= 0; k--) {
    rho[k] = 1 / dot(steps[k], changes[k]);
    a[k] = rho[k] * maskedDot(steps[k], q, held);
    for (let i = 0; i < n; i++) if (!held[i]) q[i] -= a[k] * changes[k][i];
  }
  if (m > 0) {
    const gamma = dot(steps[m - 1], changes[m - 1]) / dot(changes[m - 1], changes[m - 1]);
    for (let i = 0; i < n; i++) q[i] *= gamma;
  }
  for (let k = 0; k < m; k++) {
    const b = rho[k] * maskedDot(changes[k], q, held);
    for (let i = 0; i < n; i++) if (!held[i]) q[i] += steps[k][i] * (a[k] - b);
  }
  for (let i = 0; i < n; i++) q[i] = held[i] ? 0 : -q[i];
  return q;
}

function projectedGradient(x: Float64Array, gradient: Float64Array, lower: Float64Array, upper: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const blocked = (x[i] <= lower[i] && gradient[i] > 0) || (x[i] >= upper[i] && gradient[i] < 0);
    out[i] = blocked ? 0 : gradient[i];
  }
  return out;
}

function clampInto(x: Float64Array, lower: Float64Array, upper: Float64Array): Float64Array {
  for (let i = 0; i < x.length; i++) x[i] = Math.min(upper[i], Math.max(lower[i], x[i]));
  return x;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

function maskedDot(a: Float64Array, b: Float64Array, held: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) if (!held[i]) sum += a[i] * b[i];
  return sum;
}

function maxAbs(a: Float64Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]));
  return max;
}
