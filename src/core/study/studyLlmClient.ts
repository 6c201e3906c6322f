/**
 * Builds the LLM client of a study from its spec's `llm` section. The API key is passed in by the
 * caller (CLI: OPENAI_API_KEY; extension: SecretStorage) and is never part of the spec.
 */
import { isAbsolute, resolve } from 'node:path';
import { defaultContextWindow } from '../llm/contextWindow';
import { inferEndpointKind } from '../llm/endpointKind';
import { LlmClient } from '../llm/llmClient';
import type { EndpointAdaptation, LlmClientOptions } from '../llm/llmTypes';
import type { LlmSpec } from './studySpec';

export interface StudyLlmAccess {
  readonly apiKey?: string;
  /** Folder that relative cache paths are resolved against (the study folder, or the working directory). */
  readonly baseDir?: string;
  /** Test hook: anything the client options allow beyond the spec (fetch, sleep, clock). */
  readonly clientOverrides?: Partial<LlmClientOptions>;
}

/** The context window the study's prompts are budgeted against: the spec's, else the default for its endpoint and model. */
export function studyContextWindow(llm: LlmSpec): number {
  return llm.contextWindow ?? defaultContextWindow(inferEndpointKind(llm.baseUrl, llm.azureApiVersion), llm.model);
}

/** The notice a study shows when its client learnt something about the endpoint. */
export function adaptationMessage(llm: LlmSpec, adaptation: EndpointAdaptation): string {
  const source = adaptation.fromRecording ? 'as in the recorded study' : adaptation.reason;
  return `LLM endpoint (${llm.model}): ${adaptation.parameter} ${adaptation.change} for the rest of the study (${source})`;
}

export function createStudyLlmClient(llm: LlmSpec, access: StudyLlmAccess = {}, onAdaptation?: (adaptation: EndpointAdaptation) => void): LlmClient {
  const budget = { maxRequests: llm.maxRequests, maxTokens: llm.maxTokens, maxUsd: llm.maxUsd };
  const cachePath = llm.cachePath === undefined ? undefined
    : isAbsolute(llm.cachePath) ? llm.cachePath : resolve(access.baseDir ?? process.cwd(), llm.cachePath);
  return new LlmClient({
    baseUrl: llm.baseUrl,
    model: llm.model,
    apiKey: access.apiKey,
    headers: llm.headers,
    azureApiVersion: llm.azureApiVersion,
    concurrency: llm.concurrency,
    requestsPerMinute: llm.requestsPerMinute,
    tokensPerMinute: llm.tokensPerMinute,
    timeoutMs: llm.timeoutMs,
    maxRetries: llm.maxRetries,
    prices: llm.prices,
    budget,
    responseFormat: llm.responseFormat,
    ...(onAdaptation ? { onAdaptation } : {}),
    ...(cachePath !== undefined && llm.cacheMode !== 'live' ? { cache: { path: cachePath, mode: llm.cacheMode } } : {}),
    ...access.clientOverrides,
  });
}
