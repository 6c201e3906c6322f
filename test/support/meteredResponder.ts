/**
 * A fake OpenAI-compatible server's responder that bills like a real one: usage counted from the
 * request's and reply's text (`charsPerToken` characters a token), and a log of what it billed per
 * chat request, so a test can hold the searcher's token totals against the server's own record.
 * Test double only: its replies come from the wrapped replier, never from an LLM.
 */
import type { FakeResponder } from './fakeLlmServer';
import { serverResponder, type Replier } from './llmResponders';

export interface BilledReply {
  readonly promptTokens: number;
  readonly completionTokens: number;
}

export interface MeteredResponder {
  readonly responder: FakeResponder;
  /** One entry per chat request answered, in arrival order. */
  readonly billed: BilledReply[];
}

export function meteredResponder(replier: Replier, charsPerToken: number): MeteredResponder {
  const billed: BilledReply[] = [];
  const tokens = (chars: number) => Math.max(1, Math.ceil(chars / charsPerToken));
  const responder = serverResponder(replier, (messages, texts) => {
    const bill = {
      promptTokens: tokens(messages.reduce((sum, m) => sum + String(m.content).length, 0)),
      completionTokens: tokens(texts.join('').length),
    };
    billed.push(bill);
    return bill;
  });
  return { responder, billed };
}
