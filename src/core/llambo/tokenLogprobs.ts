/**
 * Generative surrogate: p(label = 1) for each classified candidate, read from the token log-probabilities
 * of the reply at the position of its label digit. The client's shape is read defensively: per choice
 * either a token list or OpenAI's {content: [...]}, each token with topLogprobs / top_logprobs.
 */

interface TokenInfo {
  readonly token: string;
  readonly logprob: number;
  readonly alternatives: readonly { token: string; logprob: number }[];
}

/** Token list of one choice, or undefined when the result carries no usable log-probabilities. */
export function tokensOfChoice(logprobs: unknown, choice: number): TokenInfo[] | undefined {
  if (!Array.isArray(logprobs)) return undefined;
  let entry: unknown = logprobs[choice];
  if (entry && !Array.isArray(entry) && typeof entry === 'object' && Array.isArray((entry as { content?: unknown }).content)) {
    entry = (entry as { content: unknown[] }).content;
  }
  if (!Array.isArray(entry)) return undefined;
  const tokens: TokenInfo[] = [];
  for (const t of entry) {
    if (!t || typeof t !== 'object') return undefined;
    const { token, logprob } = t as { token?: unknown; logprob?: unknown };
    if (typeof token !== 'string' || typeof logprob !== 'number') return undefined;
    const rawAlternatives = (t as { topLogprobs?: unknown; top_logprobs?: unknown }).topLogprobs ?? (t as { top_logprobs?: unknown }).top_logprobs;
    const alternatives = Array.isArray(rawAlternatives)
      ? rawAlternatives.filter((a): a is { token: string; logprob: number } => !!a && typeof a.token === 'string' && typeof a.logprob === 'number')
      : [];
    tokens.push({ token, logprob, alternatives });
  }
  return tokens;
}

/**
 * p(top) per id from the token covering each label position. Ids whose position does not land on a
 * 0/1 token (text and tokens disagree) are left out, so the caller falls back to the hard label.
 */
export function labelProbabilities(tokens: readonly TokenInfo[], text: string, positions: ReadonlyMap<string, number>): Map<string, number> {
  const starts: number[] = [];
  let offset = 0;
  for (const t of tokens) {
    starts.push(offset);
    offset += t.token.length;
  }
  const out = new Map<string, number>();
  for (const [id, position] of positions) {
    const index = tokenIndexAt(starts, tokens, position);
    if (index < 0) continue;
    const token = tokens[index];
    if (token.token[position - starts[index]] !== text[position]) continue;
    const p = probabilityOfOne(token);
    if (p !== undefined) out.set(id, p);
  }
  return out;
}

function tokenIndexAt(starts: readonly number[], tokens: readonly TokenInfo[], position: number): number {
  let lo = 0, hi = starts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid] > position) hi = mid - 1;
    else if (starts[mid] + tokens[mid].token.length <= position) lo = mid + 1;
    else return mid;
  }
  return -1;
}

function labelOf(token: string): 0 | 1 | undefined {
  const t = token.replace(/^[\s"':]+/, '');
  return t.startsWith('1') ? 1 : t.startsWith('0') ? 0 : undefined;
}

function probabilityOfOne(token: TokenInfo): number | undefined {
  let one = 0, zero = 0;
  const seen = new Set<string>();
  for (const alt of [{ token: token.token, logprob: token.logprob }, ...token.alternatives]) {
    if (seen.has(alt.token)) continue;
    seen.add(alt.token);
    const label = labelOf(alt.token);
    if (label === 1) one += Math.exp(alt.logprob);
    else if (label === 0) zero += Math.exp(alt.logprob);
  }
  if (one + zero <= 0) return undefined;
  if (one > 0 && zero > 0) return one / (one + zero);
  // Only one label among the alternatives: the rest of the mass goes to the other label.
  return one > 0 ? Math.min(1, one) : Math.max(0, 1 - zero);
}
