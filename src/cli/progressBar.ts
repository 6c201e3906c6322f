/**
 * A one-line progress bar on stderr. It draws only on a TTY (pipes and CI logs get no carriage-return
 * noise) and redraws at most ten times a second, so calling update() per event is cheap.
 */
const WIDTH = 28;
const REDRAW_MS = 100;

export class ProgressBar {
  private lastDraw = 0;
  private drawn = false;
  /** Where the bar is drawn: the stream given, when it is a TTY. */
  private readonly tty: NodeJS.WriteStream | undefined;

  /** `stream` undefined: a bar that never draws (--json), and never makes process.stderr (commandOutput.ts). */
  constructor(private readonly label: string, stream: NodeJS.WriteStream | undefined) {
    this.tty = stream?.isTTY === true ? stream : undefined;
  }

  update(fraction: number, detail = ''): void {
    if (!this.tty) return;
    const now = Date.now();
    if (now - this.lastDraw < REDRAW_MS && fraction < 1) return;
    this.lastDraw = now;
    this.tty.write(`\r${renderBar(this.label, fraction, detail)}\x1b[K`);
    this.drawn = true;
  }

  /** Clears the bar so the final output starts on a clean line. */
  finish(): void {
    if (this.tty && this.drawn) this.tty.write('\r\x1b[K');
    this.drawn = false;
  }
}

/** The text of the bar, e.g. `study [##########..........]  50%  trials 200`. */
export function renderBar(label: string, fraction: number, detail = ''): string {
  const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const filled = Math.round(f * WIDTH);
  const percent = String(Math.floor(f * 100)).padStart(3);
  return `${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${percent}%${detail ? `  ${detail}` : ''}`;
}
