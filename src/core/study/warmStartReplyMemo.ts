/**
 * Warm-start replies shared by the studies of one comparison. Several warm-started methods (and
 * LLAMBO under several schedulers) on one seed send the same warm-start requests; the memo sends each
 * once per endpoint and hands the reply to the others as a cache hit (no cost, the recorded latency,
 * so the simulated clock is charged the same), whatever the reply cache mode. It is keyed like the
 * reply cache (request hash and occurrence within the study) plus the endpoint's base URL, because
 * two servers with the same model name need not answer alike.
 */
import type { LlmChat, LlmChatRequest, LlmChatResult } from '../llambo/llmChat';
import { inferEndpointKind } from '../llm/endpointKind';
import { cachedRequestOf, replyCacheKey } from '../llm/replyCacheKey';
import type { LlmSpec } from './studySpec';

/** The template of the warm start's requests (its first request and the repairs that top it up). */
const WARM_START_TEMPLATE = 'warmstart';

export class WarmStartReplyMemo {
  private readonly replies = new Map<string, Promise<LlmChatResult>>();

  /** Distinct warm-start requests sent so far (for reports and tests). */
  get size(): number {
    return this.replies.size;
  }

  /**
   * One study's chat: its warm-start requests go through the memo, every other request straight to
   * `chat`. Studies sharing a memo run one after the other (a waiting study would otherwise share the
   * first one's cancellation).
   */
  chatFor(llm: Pick<LlmSpec, 'baseUrl' | 'model' | 'azureApiVersion'>, chat: LlmChat): LlmChat {
    const kind = inferEndpointKind(llm.baseUrl, llm.azureApiVersion);
    const occurrences = new Map<string, number>();
    return (request) => {
      if (request.tag?.template !== WARM_START_TEMPLATE) return chat(request);
      const key = `${llm.baseUrl} ${replyCacheKey(cachedRequestOf(kind, llm.model, request))}`;
      const occurrence = occurrences.get(key) ?? 0;
      occurrences.set(key, occurrence + 1);
      return this.reply(`${key} #${occurrence}`, request, chat);
    };
  }

  private async reply(slot: string, request: LlmChatRequest, chat: LlmChat): Promise<LlmChatResult> {
    const sent = this.replies.get(slot);
    if (sent) return asSharedHit(await sent);
    const reply = chat(request);
    this.replies.set(slot, reply);
    try {
      return await reply;
    } catch (error) {
      // A failed request is not an answer: the next study asks again.
      this.replies.delete(slot);
      throw error;
    }
  }
}

function asSharedHit(result: LlmChatResult): LlmChatResult {
  return { ...result, cacheHit: true, costUsd: 0, retries: 0, adaptations: [] };
}
