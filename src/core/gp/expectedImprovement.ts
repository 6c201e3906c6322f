/** Expected improvement for minimisation under a Gaussian predictive distribution. */

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** E[max(0, best - f)] for f ~ N(mean, std^2): std (u Phi(u) + phi(u)), u = (best - mean) / std. */
export function expectedImprovement(mean: number, std: number, best: number): number {
  if (!(std > 0)) return Math.max(0, best - mean);
  const u = (best - mean) / std;
  return std * (u * normalCdf(u) + normalPdf(u));
}

export function normalPdf(u: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * u * u);
}

export function normalCdf(u: number): number {
  return 0.5 * erfc(-u / Math.SQRT2);
}

/** Complementary error function (Numerical Recipes' erfcc: Chebyshev fit, relative error < 1.2e-7 everywhere). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
    t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}
