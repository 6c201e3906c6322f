/**
 * Requests-per-minute and tokens-per-minute limits as a sliding 60 s window over the requests sent.
 * Tokens are estimated before sending and corrected with the usage the reply reports. A single
 * request larger than the whole token limit still goes out once the window is empty (else it never would).
 */
import type { Sleep } from './abortableSleep';

const WINDOW_MS = 60_000;

interface WindowEntry {
  readonly at: number;
  tokens: number;
}

export interface RateLimits {
  readonly requestsPerMinute?: number;
  readonly tokensPerMinute?: number;
}

/** Lets the caller replace the estimate with the actual token count. */
export interface RateLimitPermit {
  settle(actualTokens: number): void;
}

export class RateLimiter {
  private readonly window: WindowEntry[] = [];
  private windowTokens = 0;
  /** Total milliseconds callers were asked to wait; for reporting and tests. */
  waitedMs = 0;

  constructor(
    private readonly limits: RateLimits,
    private readonly now: () => number,
    private readonly sleep: Sleep,
  ) {}

  get isLimited(): boolean {
    return this.limits.requestsPerMinute !== undefined || this.limits.tokensPerMinute !== undefined;
  }

  async acquire(estimatedTokens: number, signal?: AbortSignal): Promise<RateLimitPermit> {
    for (;;) {
      const now = this.now();
      this.prune(now);
      const waitMs = this.waitNeeded(now, estimatedTokens);
      if (waitMs <= 0) return this.record(now, estimatedTokens);
      this.waitedMs += waitMs;
      await this.sleep(waitMs, signal);
    }
  }

  private record(at: number, tokens: number): RateLimitPermit {
    const entry: WindowEntry = { at, tokens };
    this.window.push(entry);
    this.windowTokens += tokens;
    return {
      settle: (actualTokens: number) => {
        // Entries already pruned no longer count; correcting them would corrupt the sum.
        if (this.window.includes(entry)) this.windowTokens += actualTokens - entry.tokens;
        entry.tokens = actualTokens;
      },
    };
  }

  private prune(now: number): void {
    let drop = 0;
    while (drop < this.window.length && this.window[drop].at <= now - WINDOW_MS) {
      this.windowTokens -= this.window[drop].tokens;
      drop++;
    }
    if (drop > 0) this.window.splice(0, drop);
  }

  /** Milliseconds until enough of the window has expired for this request (0 = go now). */
  private waitNeeded(now: number, tokens: number): number {
    const { requestsPerMinute: rpm, tokensPerMinute: tpm } = this.limits;
    let wait = 0;
    if (rpm !== undefined && this.window.length >= rpm) {
      const oldestBlocking = this.window[this.window.length - rpm];
      wait = Math.max(wait, oldestBlocking.at + WINDOW_MS - now);
    }
    if (tpm !== undefined && this.window.length > 0 && this.windowTokens + tokens > tpm) {
      let freed = 0;
      const excess = this.windowTokens + tokens - tpm;
      for (const entry of this.window) {
        freed += entry.tokens;
        if (freed >= excess || entry === this.window[this.window.length - 1]) {
          wait = Math.max(wait, entry.at + WINDOW_MS - now);
          break;
        }
      }
    }
    return wait;
  }
}
