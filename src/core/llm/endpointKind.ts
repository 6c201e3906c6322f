/**
 * Which kind of OpenAI-compatible server a base URL points at, when the user did not say. Only
 * unambiguous hosts are recognised; local servers (Ollama, LM Studio, vLLM, llama.cpp) are 'custom'
 * unless named, because their ports are conventions, not facts.
 */
import type { EndpointKind } from './llmTypes';

export function inferEndpointKind(baseUrl: string, azureApiVersion?: string): EndpointKind {
  if (azureApiVersion) return 'azure';
  let host: string;
  try {
    host = new URL(baseUrl).hostname.toLowerCase();
  } catch {
    return 'custom';
  }
  if (host.endsWith('.openai.azure.com') || host.endsWith('.cognitiveservices.azure.com')) return 'azure';
  if (host === 'api.openai.com') return 'openai';
  return 'custom';
}
