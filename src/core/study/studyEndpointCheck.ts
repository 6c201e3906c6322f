/**
 * The preflight of a study that uses an LLM, shared by the CLI and the extension: the spec's endpoint
 * and model, with the key the caller holds, checked before the first event is written. A replay-strict
 * reply cache is not checked: such a study never sends a request.
 */
import { PREFLIGHT_TIMEOUT_MS, requireUsableEndpoint, type PreflightSurface } from '../llm/endpointPreflight';
import type { StudyLlmAccess } from './studyLlmClient';
import type { LlmSpec } from './studySpec';

export type StudyEndpointCheck =
  | { readonly checked: false; readonly why: string }
  | { readonly checked: true; readonly note?: string };

/** Throws EndpointUnusableError (naming URL, model and fix) when the study could not use its endpoint. */
export async function checkStudyEndpoint(llm: LlmSpec, access: StudyLlmAccess, surface: PreflightSurface): Promise<StudyEndpointCheck> {
  if (llm.cacheMode === 'replay-strict') {
    return { checked: false, why: 'replay-strict reply cache: every reply comes from the cache, no request is sent' };
  }
  const outcome = await requireUsableEndpoint(
    { baseUrl: llm.baseUrl, model: llm.model, apiKey: access.apiKey, headers: llm.headers, azureApiVersion: llm.azureApiVersion },
    surface,
    { timeoutMs: Math.min(PREFLIGHT_TIMEOUT_MS, llm.timeoutMs ?? PREFLIGHT_TIMEOUT_MS), ...(access.clientOverrides?.fetch ? { fetch: access.clientOverrides.fetch } : {}) },
  );
  return { checked: true, ...(outcome.note ? { note: outcome.note } : {}) };
}
