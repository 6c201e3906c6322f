/**
 * The extension's side of the endpoint preflight: before Start, Compare or Resume runs an LLM study,
 * its endpoint and model are checked (core/study/studyEndpointCheck.ts); a failure stops the plan with
 * an error naming the URL, the model and the fix, and a button that leads to the fix.
 */
import * as vscode from 'vscode';
import { EndpointUnusableError } from '../core/llm/endpointPreflight';
import { checkStudyEndpoint } from '../core/study/studyEndpointCheck';
import { parseStudySpec, type StudySpecInput } from '../core/study/studySpec';
import type { NasServices } from './nasServices';
import { redactUrlCredentials } from '../core/llm/secretRedactor';

/** Throws EndpointUnusableError when `spec` (completed from the settings) names an endpoint it could not use. */
export async function checkEndpointBeforeStudy(services: Pick<NasServices, 'log'>, spec: StudySpecInput, apiKey: string | undefined): Promise<void> {
  const { llm } = parseStudySpec(spec);
  if (!llm) return;
  const check = await checkStudyEndpoint(llm, { apiKey }, 'extension');
  if (!check.checked) services.log.info(`LLM endpoint not checked: ${check.why}`);
  else services.log.info(`LLM endpoint ${redactUrlCredentials(llm.baseUrl)} (model ${llm.model}) answered${check.note ? `: ${check.note}` : ''}`);
}

/** Shows a failed check with the button that fixes it; true when `error` was one. */
export function showEndpointProblem(services: Pick<NasServices, 'log'>, error: unknown): boolean {
  if (!(error instanceof EndpointUnusableError)) return false;
  services.log.error(error.message);
  const action = error.outcome.problem === 'unauthorized' ? 'Set API key' : 'Open LLM settings';
  void vscode.window.showErrorMessage(error.message, action).then((chosen) => {
    if (chosen === 'Set API key') void vscode.commands.executeCommand('llamboNas.setApiKey');
    else if (chosen === 'Open LLM settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'llamboNas.llm');
  });
  return true;
}
