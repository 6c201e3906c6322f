/**
 * `study` and `compare` check the LLM endpoint before the first study starts: a closed port, a
 * refused key or a missing model ends the command at once (exit 1) with what is wrong and the fix,
 * instead of a study of fallback configs.
 */
import { checkStudyEndpoint } from '../core/study/studyEndpointCheck';
import type { StudySpec } from '../core/study/studySpec';
import type { CommandOutput } from './commandOutput';
import type { LlmSetup } from './llmFlags';

export async function preflightLlm(spec: StudySpec, setup: LlmSetup, out: CommandOutput, quiet: boolean): Promise<void> {
  if (!spec.llm) return;
  const check = await checkStudyEndpoint(spec.llm, setup.access, 'cli');
  if (quiet) return;
  if (!check.checked) out.stderr(`LLM check skipped: ${check.why}`);
  else if (check.note) out.stderr(`LLM check: ${check.note}`);
}
