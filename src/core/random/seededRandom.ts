/**
 * Deterministic PRNG (xoshiro128**, seeded through splitmix32) with named sub-streams, so that one
 * master seed drives every random choice of a study and adding a consumer does not shift the others.
 */
export class SeededRandom {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  private readonly seedKey: string;

  constructor(seed: number | string) {
    this.seedKey = String(seed);
    // splitmix32 over h, h + g, h + 2g, h + 3g (g = 0x9e3779b9), without a closure per generator (one is
    // derived per suggestion).
    const h = typeof seed === 'number' ? seed >>> 0 : hashString(seed);
    this.s0 = splitmix32(h, 1); this.s1 = splitmix32(h, 2); this.s2 = splitmix32(h, 3); this.s3 = splitmix32(h, 4);
  }

  /** An independent stream named `name`, derived from this generator's seed material (not its position). */
  derive(name: string): SeededRandom {
    return new SeededRandom(`${this.seedKey}/${name}`);
  }

  /** Uniform integer in [0, 2^32). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0; this.s3 ^= this.s1; this.s1 ^= this.s2; this.s0 ^= this.s3;
    this.s2 ^= t; this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /**
   * Fills `out` with uniform integers in [0, n): out[i] is what the i-th of out.length calls of int(n)
   * would return, and the generator ends where those calls would leave it. The state stays in locals
   * for the whole loop, which a call per draw does not allow (the bootstrap draws 200,000 per interval).
   */
  fillInts(n: number, out: Int32Array): Int32Array {
    let s0 = this.s0, s1 = this.s1, s2 = this.s2, s3 = this.s3;
    for (let i = 0; i < out.length; i++) {
      // nextUint32's step, then int's scaling, written out.
      const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
      const t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3;
      s2 ^= t; s3 = rotl(s3, 11);
      out[i] = Math.floor((result / 4294967296) * n);
    }
    this.s0 = s0; this.s1 = s1; this.s2 = s2; this.s3 = s3;
    return out;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Fisher-Yates shuffle of a copy. */
  shuffled<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }
}

/** The k-th output (k >= 1) of splitmix32 started at state h. */
function splitmix32(h: number, k: number): number {
  let z = (h + Math.imul(k, 0x9e3779b9)) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

function hashString(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
