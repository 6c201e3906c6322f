/**
 * The study commands of the "NAS" category: Start NAS study, Stop study, Open study, Compare
 * searchers. Each accepts optional arguments that skip the questions (keybindings, scripts, tests).
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { StudySpecInput } from '../core/study/studySpec';
import type { StudyHeadline } from '../protocol';
import { hasLlmEndpoint, setUpLlmEndpoint, type EndpointSetupResult, type SettingsScope } from './llmEndpointSetup';
import type { NasServices } from './nasServices';
import { askStudyPlan, defaultPlan, restorePlan, SET_UP_ENDPOINT, type StudyPlan } from './startStudyFlow';
import { headlineShort } from '../core/study/resultFormat';
import { comparisonOfStudies } from '../core/study/comparisonOfStudies';
import { openComparisonPanel, type ComparisonPanel } from './comparisonPanel';
import { planSpecs, planTag, runStudies, startOneStudy } from './studyLauncher';
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

/**
 * Runs the plan's searchers x seeds (progress with Cancel) and opens the comparison panel over the
 * studies that ran; resolves with the panel (undefined when nothing ran).
 */
export async function compareSearchersCommand(services: NasServices): Promise<ComparisonPanel | undefined> {
  const plan = await askPlan(services, 2);
  if (!plan) return undefined;
  const specs = planSpecs(plan, services);
  const sessions = await runStudies(services, specs, false);
  if (sessions.length === 0) return undefined;
  const summary = comparisonOfStudies(sessions.map((s) => ({ label: s.headline.searcher, events: s.events })), plan.searchers);
  // The plan's tag names the comparison, so its report sits beside the exports of its studies.
  const id = typeof specs[0]?.tag === 'string' ? specs[0].tag : planTag(new Date());
  const cancelled = sessions.length < specs.length ? ` Cancelled after ${sessions.length} of ${specs.length} studies.` : '';
  const view = {
    title: `Searcher comparison ${id}`,
    setup: `${plan.searchers.join(', ')} · ${plan.scheduler} scheduler unless implied · ${plan.hours} h simulated · ${plan.workers} workers · ` +
      `seeds 0-${plan.seeds - 1} (the same seeds for every searcher).${cancelled}`,
    summary,
  };
  services.log.info(`comparison ${id}: ${summary.entries.map((e) => `${e.label} rank ${e.rank}`).join(', ')}`);
  return openComparisonPanel(view, join(services.resultsRoot, id), services.context.extensionUri);
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

/**
 * Asks for a plan and offers the endpoint setup for LLAMBO. On the first run the default is LLAMBO
 * beside random search when an endpoint is configured; without one the setup is offered first.
 */
async function askPlan(services: NasServices, minSearchers: number): Promise<StudyPlan | undefined> {
  const state = services.context.workspaceState;
  const stored = state.get(LAST_PLAN_KEY);
  const settingsLatency = services.settings().llm.latencyMode;
  let endpoint = await endpointConfigured(services);
  const initial = restorePlan(stored, defaultPlan(services.settings(), endpoint));
  let answer = await askStudyPlan(services.prompter, initial, minSearchers, { settingsLatency, offerEndpointSetup: !endpoint });
  if (answer === SET_UP_ENDPOINT) {
    if ((await setUpEndpoint(services)) === undefined) return undefined;
    endpoint = await endpointConfigured(services);
    answer = await askStudyPlan(services.prompter, restorePlan(stored, defaultPlan(services.settings(), endpoint)), minSearchers, { settingsLatency });
  }
  if (answer === undefined || answer === SET_UP_ENDPOINT) return undefined;
  let plan: StudyPlan = answer;
  await state.update(LAST_PLAN_KEY, plan);
  if (plan.searchers.some(isLlmSearcher) && !(await endpointConfigured(services))) {
    const setup = await setUpEndpoint(services);
    if (setup === undefined) return undefined;
    if (setup === 'baselinesOnly') plan = { ...plan, searchers: plan.searchers.filter((s) => !isLlmSearcher(s)) };
  }
  if (plan.searchers.length === 0) {
    void vscode.window.showWarningMessage('No searcher left to run.');
    return undefined;
  }
  return plan;
}

async function endpointConfigured(services: NasServices): Promise<boolean> {
  return hasLlmEndpoint(services.settings().llm.baseUrl, (await services.apiKeys.get()) !== undefined);
}

function setUpEndpoint(services: NasServices): Promise<EndpointSetupResult> {
  return setUpLlmEndpoint(services.prompter, {
    askAndStoreApiKey: () => askAndStoreApiKey(services),
    setBaseUrl: (url, scope) => saveBaseUrl(services, url, scope),
  });
}

/** Writes llamboNas.llm.baseUrl where asked (the workspace's when it has one and none was asked) and says where it went. */
async function saveBaseUrl(services: NasServices, url: string, scope: SettingsScope | undefined): Promise<void> {
  const where = await services.updateSetting('llm.baseUrl', url, scope);
  const message = `llamboNas.llm.baseUrl set to ${url} in ${where}.`;
  services.log.info(message);
  void vscode.window.showInformationMessage(message);
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
