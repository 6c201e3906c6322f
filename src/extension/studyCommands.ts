/**
 * The study commands of the "NAS" category: Start NAS study, Stop study, Open study, Compare
 * searchers. Each accepts optional arguments that skip the questions (keybindings, scripts, tests).
 */
import * as vscode from 'vscode';
import type { StudySpecInput } from '../core/study/studySpec';
import type { StudyHeadline } from '../protocol';
import { hasLlmEndpoint, setUpLlmEndpoint } from './llmEndpointSetup';
import type { NasServices } from './nasServices';
import { askStudyPlan, defaultPlan, restorePlan, type StudyPlan } from './startStudyFlow';
import { headlineShort } from '../core/study/resultFormat';
import { comparisonMarkdown } from './comparisonMarkdown';
import { planSpecs, runStudies, startOneStudy } from './studyLauncher';
import { isLlmSearcher } from '../core/searchers/llmSearchers';
import { COMMAND_IDS } from './commandIds';

const LAST_PLAN_KEY = 'llamboNas.lastStudyPlan';

export interface StartStudyArgs {
  /** Run exactly this spec (no questions); the command resolves with the study id once it started. */
  readonly spec?: StudySpecInput;
  readonly openPanel?: boolean;
}

export async function startStudyCommand(services: NasServices, args?: StartStudyArgs): Promise<string | undefined> {
  if (args?.spec) return (await startOneStudy(services, args.spec, args.openPanel ?? true)).id;
  const plan = await askPlan(services, 1);
  if (!plan) return undefined;
  const specs = planSpecs(plan, services);
  // Resolve as soon as the first study runs; the rest of the plan goes on under the progress notification.
  return new Promise((resolve) => {
    void runStudies(services, specs, true, (session) => resolve(session.id)).then(() => resolve(undefined));
  });
}

export async function compareSearchersCommand(services: NasServices): Promise<void> {
  const plan = await askPlan(services, 2);
  if (!plan) return;
  const sessions = await runStudies(services, planSpecs(plan, services), false);
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: comparisonMarkdown(plan, sessions.map((s) => s.headline)) });
  await vscode.window.showTextDocument(document, { preview: false });
}

export async function stopStudyCommand(services: NasServices, studyId?: string): Promise<StudyHeadline | undefined> {
  const running = services.registry.running();
  const id = studyId ?? (running.length === 1 ? running[0].id : await services.prompter.pickOne('Stop which study?',
    running.map((s) => ({ label: s.id, description: `${s.headline.trialsStarted} trials`, value: s.id }))));
  if (id === undefined) {
    if (running.length === 0) void vscode.window.showInformationMessage('No NAS study is running.');
    return undefined;
  }
  const session = services.registry.get(id);
  if (!session) return undefined;
  if (!session.running) {
    const where = session.headline.status === 'running' ? ' in this window (another window runs it)' : '';
    void vscode.window.showInformationMessage(`Study ${id} is not running${where}.`);
    return session.headline;
  }
  const headline = await session.stop();
  services.log.info(`study ${id} stopped by the user after ${headline.trialsStarted} trials`);
  return headline;
}

export async function openStudyCommand(services: NasServices, studyId?: string): Promise<string | undefined> {
  const id = studyId ?? await services.prompter.pickOne('Open NAS study', services.registry.list().map((s) => ({
    label: s.id, description: `${s.headline.status} · ${s.headline.trialsStarted} trials · ${headlineShort(s.headline.result)}`, value: s.id,
  })), 'Studies in .nas-studies/ of this workspace');
  if (id === undefined) return undefined;
  const session = services.registry.get(id);
  if (!session) {
    void vscode.window.showErrorMessage(`Study ${id} was not found in ${services.registry.root}.`);
    return undefined;
  }
  services.panels.show(session);
  if (session.headline.status === 'interrupted') void offerResume(id);
  return id;
}

async function offerResume(id: string): Promise<void> {
  const answer = await vscode.window.showInformationMessage(
    `Study ${id} was interrupted before it finished. Resume runs it again from the start; cached LLM replies replay at no cost.`, 'Resume',
  );
  if (answer === 'Resume') await vscode.commands.executeCommand(COMMAND_IDS.resumeStudy, { studyId: id });
}

/** Asks for a plan and offers the endpoint setup for LLAMBO; with no endpoint the user may run the baselines only. */
async function askPlan(services: NasServices, minSearchers: number): Promise<StudyPlan | undefined> {
  const state = services.context.workspaceState;
  const last = restorePlan(state.get(LAST_PLAN_KEY), defaultPlan(services.settings()));
  let plan = await askStudyPlan(services.prompter, last, minSearchers);
  if (!plan) return undefined;
  await state.update(LAST_PLAN_KEY, plan);
  if (plan.searchers.some(isLlmSearcher) && !hasLlmEndpoint(services.settings().llm.baseUrl, (await services.apiKeys.get()) !== undefined)) {
    const setup = await setUpLlmEndpoint(services.prompter, {
      askAndStoreApiKey: () => askAndStoreApiKey(services),
      setBaseUrl: (url) => services.updateSetting('llm.baseUrl', url),
    });
    if (setup === undefined) return undefined;
    if (setup === 'baselinesOnly') plan = { ...plan, searchers: plan.searchers.filter((s) => !isLlmSearcher(s)) };
  }
  if (plan.searchers.length === 0) {
    void vscode.window.showWarningMessage('No searcher left to run.');
    return undefined;
  }
  return plan;
}

export async function askAndStoreApiKey(services: NasServices): Promise<boolean> {
  const key = await services.prompter.input({
    title: 'LLM API key', prompt: 'Stored in VS Code\'s secret storage; never written to settings, logs or exports.', password: true,
    validate: (text) => text.trim() === '' ? 'Enter a key' : undefined,
  });
  if (key === undefined) return false;
  await services.apiKeys.set(key);
  services.log.info('API key stored in secret storage');
  return true;
}
