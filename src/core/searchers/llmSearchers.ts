/**
 * The searchers that talk to an LLM: their spec needs an `llm` section, the extension asks for an
 * endpoint and key before starting them, and the CLI accepts the LLM flags only for them.
 */
export const LLM_SEARCHERS = ['llambo', 'bohb-llambo'] as const;

export function isLlmSearcher(searcher: unknown): boolean {
  return typeof searcher === 'string' && (LLM_SEARCHERS as readonly string[]).includes(searcher);
}
