/**
 * SHA-256 of a string as hex, loading node:crypto on first use: every CLI process and study worker
 * loads the modules that hash (reply cache keys, table cache names), and node:crypto with its
 * dependencies is the costliest built-in to load (~5 ms), while most studies never hash.
 */
import type * as NodeCrypto from 'node:crypto';

let crypto: typeof NodeCrypto | undefined;

export function sha256Hex(text: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load, see the file comment
  crypto ??= require('node:crypto') as typeof NodeCrypto;
  return crypto.createHash('sha256').update(text).digest('hex');
}
