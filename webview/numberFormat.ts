/** How the panel writes numbers: errors as percentages, simulated time in hours, money and tokens. */

export function formatError(error: number | null | undefined): string {
  return error === null || error === undefined || !Number.isFinite(error) ? '—' : `${(error * 100).toFixed(2)}%`;
}

/** An error (fraction) as the percent value a chart plots. */
export function toPercent(error: number): number;
export function toPercent(error: number | null): number | null;
export function toPercent(error: number | null): number | null {
  return error === null ? null : error * 100;
}

/** A value already in percent, as formatError writes the fraction. */
export function formatPercent(percent: number | null | undefined): string {
  return formatError(percent === null || percent === undefined ? percent : percent / 100);
}

/** Percentage points, signed (regret, differences). */
export function formatPoints(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${value >= 0 ? '+' : '−'}${Math.abs(value * 100).toFixed(2)} pp`;
}

/** Percentage points, unsigned (regret, which is never negative). */
export function formatRegret(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : `${(value * 100).toFixed(2)} pp`;
}

export function formatHours(seconds: number | null | undefined): string {
  return seconds === null || seconds === undefined ? '—' : `${(seconds / 3600).toFixed(2)} h`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatUsd(usd: number | null | undefined): string {
  if (usd === null || usd === undefined) return '—';
  return usd < 0.01 && usd > 0 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

export function formatTokens(n: number): string {
  return n >= 10_000 ? `${(n / 1000).toFixed(1)}k` : formatCount(n);
}

export function formatSeconds(s: number | null | undefined): string {
  return s === null || s === undefined ? '—' : `${s.toFixed(s < 10 ? 2 : 1)} s`;
}

/** An acquisition score (EI): four decimals, scientific below 1e-4 where those would read 0.0000. */
export function formatScore(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return value !== 0 && Math.abs(value) < 1e-4 ? value.toExponential(2) : value.toFixed(4);
}

export function formatFixed(value: number | null | undefined, digits: number): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits);
}
