/**
 * The searchers that talk to an LLM: their spec needs an `llm` section, the extension asks for an
 * endpoint and key before starting them, and the CLI accepts the LLM flags only for them.
 */
import { BOHB_LLAMBO_ALIAS, WARM_STARTED_SEARCHERS } from './warmStartNames';

export const LLM_SEARCHERS = ['llambo', BOHB_LLAMBO_ALIAS, ...WARM_STARTED_SEARCHERS] as const;

export function isLlmSearcher(searcher: unknown): boolean {
  return typeof searcher === 'string' && (LLM_SEARCHERS as readonly string[]).includes(searcher);
}

/** The LLM searchers in one short phrase, for messages and help texts. */
export const LLM_SEARCHERS_TEXT = `llambo and the warm-started NAME+warm (${WARM_STARTED_SEARCHERS.join(', ')}; bohb-llambo = bohb+warm)`;
