import { test } from 'node:test';
import assert from 'node:assert/strict';
import { minimizeInBox } from '../../src/core/gp/boxedLbfgs';
import { cellSquaredDistance, matern52, matern52BySquaredDistance, ONE_HOT_LENGTH } from '../../src/core/gp/categoricalMatern52';
import {
  choleskyInPlace, choleskyWithJitter, inverseFromCholesky, logDeterminantFromCholesky, solveLowerInPlace, solveLowerTransposedInPlace,
} from '../../src/core/gp/cholesky';
import { erfc, expectedImprovement, normalCdf } from '../../src/core/gp/expectedImprovement';
import { IndependentGpLayout, type GpLevelData } from '../../src/core/gp/gpParameters';
import { GpPosterior, type Prediction } from '../../src/core/gp/gpPosterior';
import { IndependentGpLikelihood } from '../../src/core/gp/independentGpLikelihood';
import { IndependentGpModel } from '../../src/core/gp/independentGpModel';
import { SeededRandom } from '../../src/core/random/seededRandom';

function close(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);
}

function levelData(cells: number[][], targets: number[]): GpLevelData {
  return { ops: Uint8Array.from(cells.flat()), targets: Float64Array.from(targets), size: cells.length };
}

function randomLevel(rng: SeededRandom, n: number): GpLevelData {
  const cells = Array.from({ length: n }, () => Array.from({ length: 6 }, () => rng.int(5)));
  return levelData(cells, cells.map((c) => (c[0] === 3 ? -1 : 0.5) + 0.3 * (c[5] - 2) + 0.2 * rng.normal()));
}

test('Cholesky factor, solves, inverse and log-determinant of a known matrix', () => {
  // A = L L^T with L = [[2,0,0],[1,3,0],[-1,2,1]].
  const a = Float64Array.from([4, 2, -2, 2, 10, 5, -2, 5, 6]);
  const l = a.slice();
  assert.ok(choleskyInPlace(l, 3));
  assert.deepEqual(Array.from(l), [2, 0, 0, 1, 3, 0, -1, 2, 1]);
  close(logDeterminantFromCholesky(l, 3), Math.log(36), 1e-12, 'log det');
  const b = Float64Array.from([1, 2, 3]);
  solveLowerInPlace(l, 3, b);
  solveLowerTransposedInPlace(l, 3, b);
  const back = [0, 1, 2].map((i) => a[i * 3] * b[0] + a[i * 3 + 1] * b[1] + a[i * 3 + 2] * b[2]);
  back.forEach((v, i) => close(v, i + 1, 1e-12, `A x = b row ${i}`));
  const inverse = new Float64Array(9);
  inverseFromCholesky(l, 3, inverse, new Float64Array(9));
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      let sum = 0;
      for (let k = 0; k < 3; k++) sum += a[i * 3 + k] * inverse[k * 3 + j];
      close(sum, i === j ? 1 : 0, 1e-12, `A A^-1 (${i},${j})`);
    }
  }
  assert.equal(choleskyInPlace(Float64Array.from([1, 2, 2, 1]), 2), false, 'indefinite');
  const singular = Float64Array.from([1, 1, 1, 1]);
  const out = new Float64Array(4);
  assert.ok(choleskyWithJitter(singular, 2, out) > 0, 'a singular matrix gets jitter');
});

test('one-hot Matérn 5/2 ARD kernel: distance from differing edges, value and slope', () => {
  const w2 = Float64Array.from({ length: ONE_HOT_LENGTH }, (_, d) => 0.1 + d / 10);
  const a = [0, 1, 2, 3, 4, 0];
  const b = [0, 3, 2, 3, 1, 0];
  // Edge 1 (ops 1 vs 3) and edge 4 (ops 4 vs 1) differ: dims 5+1, 5+3, 20+4, 20+1.
  const expected = w2[6] + w2[8] + w2[24] + w2[21];
  close(cellSquaredDistance(a, 0, b, 0, w2), expected, 1e-12, 'distance');
  assert.equal(cellSquaredDistance(a, 0, a, 0, w2), 0);
  assert.equal(matern52(0), 1);
  const s = 1.7;
  const r = Math.sqrt(s);
  close(matern52(s), (1 + Math.sqrt(5) * r + (5 / 3) * s) * Math.exp(-Math.sqrt(5) * r), 1e-15, 'value');
  close(matern52BySquaredDistance(s), (matern52(s + 1e-6) - matern52(s - 1e-6)) / 2e-6, 1e-8, 'slope');
});

test('GP posterior on a two-point problem matches the hand-computed value', () => {
  // A = 000000, B differs from A on edge 0, C differs from A on edge 1 (and from B on both).
  // Unit weights: s(A,B) = s(A,C) = 1 + 1 = 2, s(B,C) = 4.
  const A = [0, 0, 0, 0, 0, 0];
  const B = [1, 0, 0, 0, 0, 0];
  const C = [0, 2, 0, 0, 0, 0];
  const scale = 1.5, noise = 0.01, mean = 0.25;
  const parameters = { weightsSquared: new Float64Array(ONE_HOT_LENGTH).fill(1), scale, mean, noise };
  const posterior = new GpPosterior(levelData([A, B], [1, -1]), parameters);
  const out: Prediction = { mean: 0, variance: 0 };
  posterior.predict(C, 0, out);
  // By hand: K = c [[1, m2], [m2, 1]] + noise I, k = c [m2, m4]; 2 x 2 inverse written out.
  const m2 = matern52(2), m4 = matern52(4);
  const d = scale + noise, off = scale * m2, det = d * d - off * off;
  const kA = scale * m2, kB = scale * m4;
  const alphaA = (d * (1 - mean) - off * (-1 - mean)) / det;
  const alphaB = (-off * (1 - mean) + d * (-1 - mean)) / det;
  const byHand = mean + kA * alphaA + kB * alphaB;
  const varianceByHand = scale - (d * kA * kA - 2 * off * kA * kB + d * kB * kB) / det;
  close(out.mean, byHand, 1e-12, 'mean');
  close(out.variance, varianceByHand, 1e-12, 'variance');
  // The same numbers from numpy (np.linalg.solve), to 12 digits.
  close(out.mean, 0.423010386681411, 1e-12, 'mean (numpy)');
  close(out.variance, 1.3475244733630038, 1e-12, 'variance (numpy)');
  close(posterior.predictMean(C, 0), out.mean, 1e-14, 'predictMean');
  // At a training point the posterior sits near its target, with little variance left.
  posterior.predict(A, 0, out);
  close(out.mean, 1, 0.02, 'interpolates A');
  assert.ok(out.variance < 0.011);
});

test('a pending cell (believer) shrinks the variance near it and leaves the mean alone', () => {
  const A = [0, 0, 0, 0, 0, 0], B = [1, 0, 0, 0, 0, 0], C = [0, 2, 0, 0, 0, 0], P = [0, 0, 3, 0, 0, 0];
  const parameters = { weightsSquared: new Float64Array(ONE_HOT_LENGTH).fill(1), scale: 1.5, mean: 0.25, noise: 0.01 };
  const plain = new GpPosterior(levelData([A, B], [1, -1]), parameters);
  const believed = new GpPosterior(levelData([A, B], [1, -1]), parameters, Uint8Array.from(P));
  const a: Prediction = { mean: 0, variance: 0 }, b: Prediction = { mean: 0, variance: 0 };
  for (const cell of [A, B, C, P, [4, 4, 4, 4, 4, 4]]) {
    plain.predict(cell, 0, a);
    believed.predict(cell, 0, b);
    close(b.mean, a.mean, 1e-12, `mean at ${cell}`);
    assert.ok(b.variance <= a.variance + 1e-12, `variance at ${cell}`);
  }
  believed.predict(C, 0, b);
  close(b.variance, 1.3452542430213579, 1e-12, 'variance at C given A, B and believer P (numpy)');
  plain.predict(P, 0, a);
  believed.predict(P, 0, b);
  assert.ok(b.variance < 0.02 && a.variance > 1, 'the believer is (almost) known');
});

test('the likelihood gradient matches central finite differences', () => {
  const rng = new SeededRandom(3);
  const layout = new IndependentGpLayout(3);
  const likelihood = new IndependentGpLikelihood(layout, [randomLevel(rng, 14), randomLevel(rng, 6), levelData([], [])]);
  for (let trial = 0; trial < 3; trial++) {
    const theta = layout.randomStart(() => rng.next());
    for (let r = 0; r < 3; r++) theta[layout.meanIndex(r)] = rng.normal() * 0.5;
    const gradient = new Float64Array(layout.length);
    likelihood.evaluate(theta, gradient);
    for (let i = 0; i < layout.length; i++) {
      const h = 1e-5;
      const up = theta.slice(); up[i] += h;
      const down = theta.slice(); down[i] -= h;
      const numeric = (likelihood.evaluate(up) - likelihood.evaluate(down)) / (2 * h);
      close(gradient[i], numeric, 1e-5 * Math.max(1, Math.abs(numeric)), `parameter ${i}`);
    }
  }
});

test('box-constrained L-BFGS finds the minimum of a quadratic with an active bound, and of Rosenbrock', () => {
  // f = (x - 3)^2 + 10 (y + 1)^2 + x y on [0, 2] x [-5, 5]: x sticks at 2, then y = -1 - 2/20.
  const quadratic = (x: Float64Array, g: Float64Array) => {
    g[0] = 2 * (x[0] - 3) + x[1];
    g[1] = 20 * (x[1] + 1) + x[0];
    return (x[0] - 3) ** 2 + 10 * (x[1] + 1) ** 2 + x[0] * x[1];
  };
  const q = minimizeInBox(quadratic, Float64Array.from([0.5, 4]), Float64Array.from([0, -5]), Float64Array.from([2, 5]));
  close(q.x[0], 2, 1e-9, 'x at its bound');
  close(q.x[1], -1.1, 1e-5, 'y');
  const rosenbrock = (x: Float64Array, g: Float64Array) => {
    g[0] = -2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] * x[0]);
    g[1] = 200 * (x[1] - x[0] * x[0]);
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] * x[0]) ** 2;
  };
  const r = minimizeInBox(rosenbrock, Float64Array.from([-1.2, 1]), Float64Array.from([-5, -5]), Float64Array.from([5, 5]), { maxIterations: 500 });
  close(r.x[0], 1, 1e-3, 'rosenbrock x');
  close(r.x[1], 1, 2e-3, 'rosenbrock y');
});

test('fitting the hyperparameters lowers the objective and recovers which edges matter', () => {
  const rng = new SeededRandom(12);
  // The target depends only on edges 0 and 5; noise is small.
  const cells = Array.from({ length: 60 }, () => Array.from({ length: 6 }, () => rng.int(5)));
  const targets = cells.map((c) => (c[0] === 3 ? -1.2 : 0.4) + 0.5 * Math.sin(c[5]) + 0.05 * rng.normal());
  const data = [levelData(cells, targets)];
  const model = new IndependentGpModel(1);
  const start = new IndependentGpLikelihood(model.layout, data).evaluate(model.parameters);
  const report = model.fit(data, new SeededRandom(1), { maxIterations: 60, restarts: 2 });
  assert.ok(report.objective < start - 10, `objective ${report.objective} vs start ${start}`);
  const weights = Array.from(model.parameters.subarray(0, ONE_HOT_LENGTH), Math.exp);
  const edgeWeight = (e: number) => Math.max(...weights.slice(e * 5, e * 5 + 5));
  for (const irrelevant of [1, 2, 3, 4]) {
    assert.ok(edgeWeight(0) > 2 * edgeWeight(irrelevant), `edge 0 (${edgeWeight(0)}) outweighs edge ${irrelevant} (${edgeWeight(irrelevant)})`);
  }
  // Same data, same rng seed: the same fit.
  const again = new IndependentGpModel(1);
  again.fit(data, new SeededRandom(1), { maxIterations: 60, restarts: 2 });
  assert.deepEqual(Array.from(again.parameters), Array.from(model.parameters));
});

test('expected improvement and the normal tail', () => {
  close(erfc(0), 1, 1e-7, 'erfc(0)');
  close(erfc(1), 0.157299207050285, 2e-8, 'erfc(1)');
  close(erfc(-1), 1.842700792949715, 2e-8, 'erfc(-1)');
  close(normalCdf(1.959963984540054), 0.975, 1e-7, 'Phi(1.96)');
  // EI = E[max(0, best - f)] by numerical integration over f ~ N(0.3, 0.5^2), best 0.1.
  let integral = 0;
  const steps = 200_000;
  for (let i = 0; i < steps; i++) {
    const f = -5 + (10 * (i + 0.5)) / steps;
    const density = Math.exp(-0.5 * ((f - 0.3) / 0.5) ** 2) / (0.5 * Math.sqrt(2 * Math.PI));
    integral += Math.max(0, 0.1 - f) * density * (10 / steps);
  }
  close(expectedImprovement(0.3, 0.5, 0.1), integral, 1e-7, 'EI');
  assert.equal(expectedImprovement(0.3, 0, 0.1), 0, 'no spread, no hope');
  close(expectedImprovement(-0.2, 0, 0.1), 0.3, 1e-12, 'certain improvement');
  assert.ok(expectedImprovement(0.3, 1, 0.1) > expectedImprovement(0.3, 0.5, 0.1), 'more spread, more EI');
});
