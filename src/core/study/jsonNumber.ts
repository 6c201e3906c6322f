/**
 * A number's JSON text written as bytes, byte for byte what JSON.stringify writes for it: the shortest
 * digits that read back as the same double, `null` for NaN and the infinities, `0` for -0. The digits of
 * doubles are the costly part of writing an event log (V8 spends about 150 ns on each), so the common
 * kinds are written here without a string: integers below 2^31; numbers in (0, 1) with at most four
 * decimals (the table's errors); doubles between 1 and 2^31 (times, see shortestDecimal). Everything
 * else is JSON.stringify's text, copied.
 *
 * Why four decimals are exact: such a number is the double nearest to n / 10^4; any other decimal that
 * reads back as it lies within one ulp (< 1.2e-16) of n / 10^4, so it has more digits, and n's digits
 * (trailing zeros dropped) are the shortest.
 */
import { digitCount, writeDigits, writeShortestDecimal } from './shortestDecimal';

/** Bytes a JSON number takes at most ("-0.0000012345678901234567": fixed notation reaches down to 1e-6). */
export const JSON_NUMBER_MAX_BYTES = 25;

const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;

/** Writes JSON.stringify(value) at `offset`; returns the offset after it. */
export function writeJsonNumber(bytes: Uint8Array, offset: number, value: number): number {
  if ((value | 0) === value) {
    // -0 is "0", as in JSON; -2^31 has no positive int32 and goes below.
    if (value >= 0) return writeDigits(bytes, offset, value, digitCount(value));
    if (value > -2147483648) {
      bytes[offset] = MINUS;
      return writeDigits(bytes, offset + 1, -value, digitCount(-value));
    }
  } else if (value > 1) {
    const end = writeShortestDecimal(bytes, offset, value);
    if (end >= 0) return end;
  } else if (value > 0) {
    const n = Math.round(value * 1e4);
    if (n / 1e4 === value) return writeFourDecimals(bytes, offset, n);
  }
  return writeAscii(bytes, offset, Number.isFinite(value) ? JSON.stringify(value) : 'null');
}

/** n / 10^4 for an integer 1 <= n <= 9999: "0.", the zeros after the point, n without its trailing zeros. */
function writeFourDecimals(bytes: Uint8Array, offset: number, n: number): number {
  let places = 4;
  for (let rest = (n / 10) | 0; n === rest * 10; rest = (n / 10) | 0) {
    n = rest;
    places--;
  }
  bytes[offset] = ZERO;
  bytes[offset + 1] = DOT;
  let at = offset + 2;
  const digits = digitCount(n);
  for (let zeros = places - digits; zeros > 0; zeros--) bytes[at++] = ZERO;
  return writeDigits(bytes, at, n, digits);
}

function writeAscii(bytes: Uint8Array, offset: number, text: string): number {
  for (let i = 0; i < text.length; i++) bytes[offset + i] = text.charCodeAt(i);
  return offset + text.length;
}
