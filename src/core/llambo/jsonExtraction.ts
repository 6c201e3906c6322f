/**
 * Finds JSON in LLM replies: the whole reply, fenced code blocks, or balanced {...} / [...] segments in
 * prose (several of them for JSON-lines replies). Common near-JSON is repaired before giving up:
 * trailing commas, single quotes, unquoted keys, Python literals, bare NaN/Infinity (kept as strings so
 * the caller can say "NaN" in its rejection reason).
 *
 * Which values are the answer (`answerJsonValues`): a reply may hold several JSON values. A value that
 * has the whole asked shape (a "collection": {"cells": [...]}, {"predictions": [...]}, an id-keyed map,
 * a list of cells) is a complete answer, and the **last complete collection anywhere in the reply wins**:
 * earlier ones are drafts ("first attempt ... actually, final answer:"), and single items around it are
 * quotes or remarks. A truncated collection does not parse, so it is not complete; only its entries are
 * seen, as items. When there is no collection, every item counts (JSON-lines replies, one cell or one
 * prediction per value), taken from the fenced blocks when those hold JSON, else from the whole reply.
 */

/** JSON values found in `text`, in order of appearance; [] when there is none. */
export function extractJsonValues(text: string): unknown[] {
  const trimmed = text.trim();
  if (!trimmed) return [];
  const whole = parseLenient(trimmed);
  if (whole.ok) return [whole.value];
  const fenced = [...trimmed.matchAll(/```[A-Za-z]*[ \t]*\n?([\s\S]*?)```/g)].map((m) => m[1]);
  if (fenced.length > 0) {
    const values = fenced.flatMap((block) => {
      const parsed = parseLenient(block.trim());
      return parsed.ok ? [parsed.value] : balancedSegments(block);
    });
    if (values.length > 0) return values;
  }
  return balancedSegments(trimmed);
}

export interface JsonAnswer {
  readonly values: unknown[];
  /** Complete collections before the one kept (drafts). */
  readonly earlierAnswers: number;
}

/** The JSON values that answer the request, by the rule in the module comment. */
export function answerJsonValues(text: string, isCollection: (value: unknown) => boolean): JsonAnswer {
  const trimmed = text.trim();
  const whole = parseLenient(trimmed);
  const everywhere = whole.ok ? [whole.value] : balancedSegments(trimmed);
  const collections = everywhere.filter(isCollection);
  if (collections.length > 0) return { values: [collections[collections.length - 1]], earlierAnswers: collections.length - 1 };
  return { values: extractJsonValues(text), earlierAnswers: 0 };
}

/** Every top-level balanced {...} or [...] segment that parses (leniently). */
export function balancedSegments(text: string): unknown[] {
  const values: unknown[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c !== '{' && c !== '[') { i++; continue; }
    const end = matchingClose(text, i);
    if (end < 0) { i++; continue; }
    const segment = text.slice(i, end + 1);
    // Skipped whole: the values nested inside a too-deep one are fragments of it, not answers.
    if (nestingDepthExceeds(segment, MAX_JSON_DEPTH)) { i = end + 1; continue; }
    const parsed = parseLenient(segment);
    if (parsed.ok) {
      values.push(parsed.value);
      i = end + 1;
    } else {
      i++;
    }
  }
  return values;
}

/** Index of the bracket closing the one at `start`, skipping string contents; -1 if unbalanced. */
function matchingClose(text: string, start: number): number {
  const stack: string[] = [];
  let quote: string | null = null;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '{') stack.push('}');
    else if (c === '[') stack.push(']');
    else if (c === '}' || c === ']') {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
}

type Parsed = { ok: true; value: unknown } | { ok: false };

const REPAIRS: readonly ((text: string) => string)[] = [
  (t) => t.replace(/,(\s*[}\]])/g, '$1'),
  (t) => t.replace(/(^|[^"\w])(-?Infinity|NaN)(?=[^"\w]|$)/g, '$1"$2"'),
  (t) => t.replace(/\bTrue\b/g, 'true').replace(/\bFalse\b/g, 'false').replace(/\bNone\b/g, 'null'),
  (t) => t.replace(/([{,]\s*)([A-Za-z_][\w-]*)\s*:/g, '$1"$2":'),
  (t) => (t.includes('"') ? t : t.replace(/'/g, '"')),
];

/** JSON.parse, then again after each cumulative repair. */
export function parseLenient(text: string): Parsed {
  if (nestingDepthExceeds(text, MAX_JSON_DEPTH)) return { ok: false };
  const first = tryParse(text);
  if (first.ok || !/^[[{]/.test(text)) return first;
  let repaired = text;
  for (const repair of REPAIRS) {
    repaired = repair(repaired);
    const attempt = tryParse(repaired);
    if (attempt.ok) return attempt;
  }
  return { ok: false };
}

/**
 * Deepest nesting a reply's JSON may have: LLAMBO's answers are three levels deep. A deeper value (a
 * reply nested 6,000 levels) is no answer, and would overflow the stack of every recursive reader after
 * it (the parsers, JSON.stringify of the logged event), so it is not parsed at all.
 */
export const MAX_JSON_DEPTH = 64;

function tryParse(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Whether brackets outside strings nest deeper than `limit` anywhere in `text` (a linear scan, no recursion). */
function nestingDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '{' || c === '[') {
      if (++depth > limit) return true;
    } else if (c === '}' || c === ']') depth--;
  }
  return false;
}
