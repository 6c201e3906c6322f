/** How study results read in text (report.md, the status bar, the studies tree). */

/** "6.12%" style text for an error rate; "—" when there is none yet. */
export function formatError(error: number | null | undefined): string {
  return error === null || error === undefined ? '—' : `${(error * 100).toFixed(2)}%`;
}

/** "1.25 h" of simulated time. */
export function formatHours(seconds: number): string {
  return `${(seconds / 3600).toFixed(2)} h`;
}
