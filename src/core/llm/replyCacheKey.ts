/**
 * What identifies a reply in the cache: the request as the model sees it (endpoint kind, model,
 * messages, sampling parameters), hashed. Never the host, the key or other headers, so a recording
 * made against one server replays against another of the same kind.
 */
import { sha256Hex } from '../hashing/sha256Hex';
import { canonicalJson } from './canonicalJson';
import type { ChatMessage, ChatRequest, EndpointKind } from './llmTypes';

/** response_format with a JSON schema, in its wire form. */
export interface JsonSchemaFormat {
  readonly type: 'json_schema';
  readonly json_schema: { readonly name: string; readonly schema: Readonly<Record<string, unknown>>; readonly strict: true };
}

/**
 * The response_format sent: a schema, or JSON mode as the bare string 'json_object' (the form earlier
 * recordings were keyed with, so they still replay), or absent for plain text.
 */
export type CachedResponseFormat = JsonSchemaFormat | 'json_object';

/** The keyed part of a request, in the wire names of the chat completions API. */
export interface CachedRequest {
  readonly endpointKind: EndpointKind;
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly temperature?: number;
  readonly top_p?: number;
  readonly max_tokens?: number;
  readonly n?: number;
  readonly seed?: number;
  readonly response_format?: CachedResponseFormat;
  readonly logprobs?: boolean;
  readonly top_logprobs?: number;
}

/**
 * The request as the caller asked for it (structured output as a JSON schema); the client's
 * EndpointCapabilities then shapes it into what the endpoint accepts, and that shape is the key.
 */
export function cachedRequestOf(kind: EndpointKind, model: string, req: ChatRequest): CachedRequest {
  return {
    endpointKind: kind,
    model,
    // Copy only role and content so stray fields on caller objects cannot change the key.
    messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
    temperature: req.temperature,
    top_p: req.topP,
    max_tokens: req.maxTokens,
    n: req.n,
    seed: req.seed,
    response_format: req.structuredOutput
      ? { type: 'json_schema', json_schema: { name: req.structuredOutput.name, schema: req.structuredOutput.schema, strict: true } }
      : undefined,
    logprobs: req.logprobs ? true : undefined,
    top_logprobs: req.logprobs ? req.topLogprobs : undefined,
  };
}

export function replyCacheKey(request: CachedRequest): string {
  return sha256Hex(canonicalJson(request));
}
