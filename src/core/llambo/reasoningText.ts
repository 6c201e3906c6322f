/**
 * Reasoning is not an answer: the parts of a reply that are a model's thinking are blanked before any
 * cell or prediction is read, so nothing named only while thinking is trained or used.
 *
 * Thinking is marked by `<think>…</think>` or `<thinking>…</thinking>` (any case). Rules:
 * - a closed block is thought, wherever it stands (nested openings are counted);
 * - a closing tag with no opening before it means the opening was part of the prompt template, as
 *   DeepSeek-R1-style servers emit: everything from the start of the reply up to that tag is thought;
 * - an opening tag that is never closed means the model was still thinking when the reply ended (cut off
 *   or never finished): everything from it to the end is thought, so such a reply has no answer.
 *
 * Thought is replaced by spaces (line breaks kept) rather than cut out, so character offsets in the
 * answer are offsets in the reply: label positions for token log-probabilities stay valid.
 */

export interface ReplyAnswer {
  /** The reply with its reasoning blanked; same length as the reply. */
  readonly text: string;
  /** What was treated as reasoning, for the call's parse notes; empty when nothing was. */
  readonly notes: string[];
}

const TAG = /<(\/?)(think|thinking)\s*>/gi;

export function answerOfReply(reply: string): ReplyAnswer {
  const notes: string[] = [];
  const spans: [number, number][] = [];
  let depth = 0;
  let openedAt = 0;
  let blocks = 0;
  for (const m of reply.matchAll(TAG)) {
    const at = m.index ?? 0;
    const end = at + m[0].length;
    if (m[1] !== '/') {
      if (depth === 0) openedAt = at;
      depth++;
    } else if (depth > 0) {
      depth--;
      if (depth === 0) {
        spans.push([openedAt, end]);
        blocks++;
      }
    } else {
      // Blocks closed before a lone closing tag lie inside the thought it ends.
      spans.length = 0;
      spans.push([0, end]);
      blocks = 0;
      notes.push(`text before a lone </${m[2].toLowerCase()}> read as reasoning`);
    }
  }
  if (depth > 0) {
    spans.push([openedAt, reply.length]);
    notes.push('<think> never closed: the rest of the reply is reasoning, no answer read from it');
  }
  if (blocks > 0) notes.push(`${blocks} reasoning block${blocks === 1 ? '' : 's'} ignored`);
  return { text: blankSpans(reply, spans), notes };
}

function blankSpans(text: string, spans: readonly (readonly [number, number])[]): string {
  let out = text;
  for (const [from, to] of spans) out = out.slice(0, from) + out.slice(from, to).replace(/[^\n]/g, ' ') + out.slice(to);
  return out;
}
