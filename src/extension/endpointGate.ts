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

/**
 * A check of one endpoint begun ahead of the plan: "Start NAS study" begins one for the plan its pick
 * offers first while the pick is open, and the plan uses it when it names the same endpoint, model and
 * profile (a failed early check is made again, and that one reports).
 */
export interface EarlyEndpointCheck {
  /** The LLM profile whose key it used; undefined: the default endpoint. */
  readonly profile: string | undefined;
  /** endpointIdentity of the spec it checked. */
  readonly identity: string;
  readonly apiKey: Promise<string | undefined>;
  readonly checked: Promise<void>;
}

/** Reads the key and checks the endpoint of `spec` (completed from the settings) now; nothing is reported. */
export function beginEndpointCheck(
  services: Pick<NasServices, 'log' | 'apiKeys'>, spec: StudySpecInput, profile: string | undefined,
): EarlyEndpointCheck {
  const apiKey = services.apiKeys.keyForProfile(profile);
  const checked = apiKey.then((key) => checkEndpointBeforeStudy(services, spec, key));
  // Unused or failed, it must not surface as an unhandled rejection; the plan's own check reports.
  checked.catch(() => undefined);
  return { profile, identity: endpointIdentity(spec), apiKey, checked };
}

/** What a check depends on besides the key: two specs with the same identity get the same answer. */
export function endpointIdentity(spec: StudySpecInput): string {
  const { llm } = parseStudySpec(spec);
  if (!llm) return '';
  return JSON.stringify([llm.baseUrl, llm.model, llm.profile ?? null, llm.headers ?? null, llm.azureApiVersion ?? null, llm.timeoutMs ?? null, llm.cacheMode]);
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
