/**
 * Loose op names from LLM replies -> canonical NB201 op indices (into OPS).
 * Matching ignores case, whitespace, hyphens and underscores, so "Conv 3x3", "conv-3x3" and
 * "CONV_3X3" are one name. Unknown names return undefined: the caller records why it rejected them.
 */
import { OPS } from './searchSpace';

/** An index into OPS (0..4). */
export type OpIndex = number;

const NONE = OPS.indexOf('none');
const SKIP = OPS.indexOf('skip_connect');
const CONV1 = OPS.indexOf('nor_conv_1x1');
const CONV3 = OPS.indexOf('nor_conv_3x3');
const POOL = OPS.indexOf('avg_pool_3x3');

/** Aliases in compact form (lower case, no separators). */
const ALIASES: ReadonlyMap<string, OpIndex> = new Map<string, OpIndex>([
  ...['none', 'zero', 'zeros', 'noconnection', 'null'].map((a) => [a, NONE] as const),
  ...['skipconnect', 'skip', 'identity', 'skipconnection', 'id'].map((a) => [a, SKIP] as const),
  ...['norconv1x1', 'conv1x1', '1x1conv', '1x1', 'pointwiseconv', 'pointwiseconvolution',
    '1x1convolution', 'convolution1x1'].map((a) => [a, CONV1] as const),
  ...['norconv3x3', 'conv3x3', '3x3conv', '3x3', '3x3convolution', 'convolution3x3'].map((a) => [a, CONV3] as const),
  ...['avgpool3x3', 'avgpool', 'averagepooling', 'averagepool', 'pool', '3x3avgpool',
    'averagepooling3x3', 'avgpooling'].map((a) => [a, POOL] as const),
]);

/** Lower case, unicode times sign to "x", and drop whitespace, hyphens, underscores and wrapping quotes. */
export function compactOpName(text: string): string {
  return text.toLowerCase().replace(/\u00d7/g, 'x').replace(/[\s\-_'"`]+/g, '');
}

/** The op index a loose name stands for, or undefined when it is not a known NB201 op. */
export function parseOpName(text: string): OpIndex | undefined {
  if (typeof text !== 'string') return undefined;
  return ALIASES.get(compactOpName(text));
}
