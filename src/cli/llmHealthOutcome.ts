/**
 * How the CLI reports an LLM that did not do its job: a warning line on stderr the moment a problem
 * appears, a line in the summary, and exit code 3 when an LLM study ran without its LLM (the circuit
 * breaker disabled the endpoint, or no call succeeded), so scripts do not take fallback results for LLAMBO's.
 */
import { unhealthyLine, type LlmHealth } from '../core/llambo/llmHealthMonitor';

/** Exit code of `study` / `compare` when an LLM study ran without its LLM (documented in the README). */
export const EXIT_RAN_WITHOUT_LLM = 3;

/** The stderr line of a problem as it appears; `who` names the study in a comparison. */
export function healthWarning(problem: string, who?: string): string {
  return `warning: ${who ? `${who}: ` : ''}LLM unhealthy: ${problem}`;
}

/** The summary's health line. */
export function healthLine(health: LlmHealth): string {
  return `  LLM health         ${unhealthyLine(health) ?? 'healthy'}`;
}

/** The closing stderr line and exit code for studies that ran without their LLM; undefined when none did. */
export function ranWithoutLlm(healths: readonly { readonly who: string; readonly health: LlmHealth }[]): { line: string; code: number } | undefined {
  const without = healths.filter((h) => h.health.ranWithoutLlm);
  if (without.length === 0) return undefined;
  const names = without.map((h) => h.who).join(', ');
  const cause = without[0].health.endpointDisabled ?? `all ${without[0].health.failedCalls} LLM calls failed`;
  return {
    line: `error: ${names} ran without ${without.length === 1 ? 'its' : 'their'} LLM (${cause}); ` +
      `its configs came from fallbacks, so the results are not LLAMBO's (exit code ${EXIT_RAN_WITHOUT_LLM})`,
    code: EXIT_RAN_WITHOUT_LLM,
  };
}
