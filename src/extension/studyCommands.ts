/**
 * The study commands of the "NAS" category: Start NAS study, Stop study, Open study, Compare
 * searchers, Set and Clear API key. Each accepts optional arguments that skip the questions
 * (keybindings, scripts, tests).
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import { parseStudySpec, type StudySpecInput } from '../core/study/studySpec';
import type { StudyHeadline } from '../protocol';
import { hasLlmEndpoint, setUpLlmEndpoint, type EndpointSetupResult, type SettingsScope } from './llmEndpointSetup';
import type { NasServices } from './nasServices';
import { askStudyPlan, defaultPlan, restorePlan, SET_UP_ENDPOINT, type StudyPlan } from './startStudyFlow';
import { headlineShort } from '../core/study/resultFormat';
import { comparisonOfStudies } from '../core/study/comparisonOfStudies';
import { openComparisonPanel, type ComparisonPanel } from './comparisonPanel';
import { planSpecs, planTag, runStudies, startOneStudy } from './studyLauncher';
import { entryLabel } from './planEntries';
import { isLlmSearcher } from '../core/searchers/llmSearchers';
import { COMMAND_IDS } from './commandIds';
import { apiKeyClearedMessage, apiKeyStoredMessage } from './apiKeyStore';
import { planPositionText, type StudyPlanRun } from './studyPlanRun';
import { findLlmProfile } from '../core/llm/llmProfile';
import type { StartTimeline } from './startTimeline';
import { beginEndpointCheck } from './endpointGate';
import { withStudySettings } from './studyLlmSettings';

const LAST_PLAN_KEY = 'llamboNas.lastStudyPlan';

export interface StartStudyArgs {
  /** Run exactly this spec (no questions); the command resolves with the study id once it started. */
  readonly spec?: StudySpecInput;
  readonly openPanel?: boolean;
}

export async function startStudyCommand(services: NasServices, args?: StartStudyArgs): Promise<string | undefined> {
  if (args?.spec) return (await startOneStudy(services, args.spec, args.openPanel ?? true)).id;
  // While the user answers the questions, a worker starts and loads the table (and, when the plan the
  // pick offers first has an LLM study, the model's token encoding), and that study's endpoint is
  // checked (a GET of its model list).
  const offered = offeredLlmStudy(services);
  services.registry.prepareWorker(services.tablePath(), offered?.model);
  const early = offered ? beginEndpointCheck(services, offered.spec, undefined) : undefined;
  const timeline = services.startTimeline();
  const plan = await askPlan(services, 1, timeline);
  if (!plan) return undefined;
  const specs = planSpecs(plan, services);
  // Resolve as soon as the first study runs; the rest of the plan goes on under the progress notification.
  return new Promise((resolve) => {
    void runStudies(services, specs, true, (session) => resolve(session.id), timeline, early).then(() => resolve(undefined));
  });
}

/**
 * The first LLM study on the default endpoint of the plan the pick offers first (the plan last run,
 * else the first-run default with a base URL set), completed from the settings; undefined when there is none.
 */
function offeredLlmStudy(services: NasServices): { readonly spec: StudySpecInput; readonly model: string } | undefined {
  try {
    const settings = services.settings();
    const plan = offeredPlan(services, settings.llm.baseUrl !== '');
    if ((plan.profiles ?? []).length > 0) return undefined;
    const first = planSpecs(plan, services).find((spec) => isLlmSearcher(spec.searcher) && spec.llm?.profile === undefined);
    if (!first) return undefined;
    const spec = withStudySettings(first, settings, services.workspaceDir);
    const model = parseStudySpec(spec).llm?.model;
    return model === undefined ? undefined : { spec, model };
  } catch {
    return undefined; // a spec the settings make invalid: the plan's own start says what is wrong
  }
}

/** The plan the first pick offers: the one run last, else the first-run default. */
function offeredPlan(services: NasServices, hasEndpoint: boolean): StudyPlan {
  const settings = services.settings();
  const known = settings.llmProfiles.map((p) => p.name);
  return restorePlan(services.context.workspaceState.get(LAST_PLAN_KEY), defaultPlan(settings, hasEndpoint || known.length > 0), known);
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
  // Studies are told apart by entry (`llambo:gpt4omini`), so two profiles of one searcher are two entries.
  const entries = [...new Set(specs.map(entryLabel))];
  const summary = comparisonOfStudies(sessions.map((s, i) => ({ label: entryLabel(specs[i]), events: s.events })), entries);
  // The plan's tag names the comparison, so its report sits beside the exports of its studies.
  const id = typeof specs[0]?.tag === 'string' ? specs[0].tag : planTag(new Date());
  const cancelled = sessions.length < specs.length ? ` Cancelled after ${sessions.length} of ${specs.length} studies.` : '';
  const view = {
    title: `Searcher comparison ${id}`,
    setup: `${entries.join(', ')} · ${plan.scheduler} scheduler unless implied · ${plan.hours} h simulated · ${plan.workers} workers · ` +
      `seeds 0-${plan.seeds - 1} (the same seeds for every searcher).${cancelled}`,
    summary,
  };
  services.log.info(`comparison ${id}: ${summary.entries.map((e) => `${e.label} rank ${e.rank}`).join(', ')}`);
  return openComparisonPanel(view, join(services.resultsRoot, id), services.context.extensionUri);
}

export interface StopStudyArgs {
  readonly studyId?: string;
  /**
   * For a study of a multi-study plan with studies still to come: 'study' stops it and the plan goes
   * on, 'plan' stops it and every study not started yet. Absent: the user is asked.
   */
  readonly scope?: StopScope;
}

export type StopScope = 'study' | 'plan';

export async function stopStudyCommand(services: NasServices, args: StopStudyArgs = {}): Promise<StudyHeadline | undefined> {
  const running = services.registry.running();
  const id = args.studyId ?? (running.length === 1 ? running[0].id : await services.prompter.pickOne('Stop which study?',
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
  const plan = services.plans.planOf(id);
  if (plan?.mayStartNext) {
    const scope = args.scope ?? await askStopScope(services, id, plan);
    if (scope === undefined) return undefined;
    if (scope === 'plan') plan.stopRemaining();
  }
  const headline = await session.stop();
  const rest = plan?.stopRequested ? `; ${plan.remaining === 1 ? 'the 1 study' : `the ${plan.remaining} studies`} of its plan not started yet will not run` : '';
  services.log.info(`study ${id} stopped by the user after ${headline.trialsStarted} trials${rest}`);
  return headline;
}

async function askStopScope(services: NasServices, id: string, plan: StudyPlanRun): Promise<StopScope | undefined> {
  const position = plan.positionOf(id);
  const here = planPositionText(position);
  const next = position ? `study ${position.k + 1} of ${position.total}` : 'the next study';
  return services.prompter.pickOne<StopScope>(`Stop ${id} (${here})`, [
    { label: '$(debug-stop) Stop all remaining', description: `this study and the ${plan.remaining} not started yet`, value: 'plan' },
    { label: '$(debug-step-over) Stop this study', description: `the plan goes on with ${next}`, value: 'study' },
  ]);
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
async function askPlan(services: NasServices, minSearchers: number, timeline?: StartTimeline): Promise<StudyPlan | undefined> {
  const state = services.context.workspaceState;
  const stored = state.get(LAST_PLAN_KEY);
  const settings = services.settings();
  const settingsLatency = settings.llm.latencyMode;
  if (settings.llmProfilesProblem) warn(services, settings.llmProfilesProblem);
  const profiles = settings.llmProfiles.map((p) => ({ name: p.name, model: p.model, baseUrl: p.baseUrl }));
  const known = profiles.map((p) => p.name);
  let endpoint = await endpointConfigured(services);
  const initial = offeredPlan(services, endpoint);
  let answer = await askStudyPlan(services.prompter, initial, minSearchers, { settingsLatency, offerEndpointSetup: !endpoint && profiles.length === 0, profiles });
  if (answer === SET_UP_ENDPOINT) {
    if ((await setUpEndpoint(services)) === undefined) return undefined;
    endpoint = await endpointConfigured(services);
    answer = await askStudyPlan(services.prompter, restorePlan(stored, defaultPlan(services.settings(), endpoint), known), minSearchers, { settingsLatency, profiles });
  }
  if (answer === undefined || answer === SET_UP_ENDPOINT) return undefined;
  timeline?.mark('picked');
  let plan: StudyPlan = answer;
  // Not awaited: the memento holds the value at once; the study need not wait for it to reach storage.
  state.update(LAST_PLAN_KEY, plan).then(undefined, (error: unknown) => services.log.warn(`the plan was not stored as the next default: ${String(error)}`));
  timeline?.mark('planSaved');
  // Studies on profiles reach their own endpoints; only the default endpoint may need setting up.
  const onDefault = (plan.profiles ?? []).length === 0;
  if (onDefault && plan.searchers.some(isLlmSearcher) && !(await endpointConfigured(services))) {
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
  const { baseUrl } = services.settings().llm;
  // A base URL is enough: the key (a round trip to the window's secret storage) is read only without one.
  return baseUrl !== '' || hasLlmEndpoint(baseUrl, (await services.apiKeys.get()) !== undefined);
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
  const message = apiKeyStoredMessage(services.settings().llm.baseUrl);
  services.log.info(message);
  void vscode.window.showInformationMessage(message);
  return true;
}

/** "Clear API key": removes it from secret storage and says so (or that there was none). */
export async function clearApiKeyCommand(services: NasServices): Promise<boolean> {
  const had = await services.apiKeys.clear();
  const message = apiKeyClearedMessage(had);
  services.log.info(message);
  void vscode.window.showInformationMessage(message);
  return had;
}

function warn(services: NasServices, message: string): void {
  services.log.warn(message);
  void vscode.window.showWarningMessage(message);
}

/** "NAS: Set LLM profile API key": stores the key of one profile of llamboNas.llm.profiles in SecretStorage. */
export async function setProfileApiKeyCommand(services: NasServices, profileName?: string): Promise<boolean> {
  const settings = services.settings();
  if (settings.llmProfilesProblem) {
    warn(services, settings.llmProfilesProblem);
    return false;
  }
  if (settings.llmProfiles.length === 0) {
    void vscode.window.showInformationMessage('No LLM profiles: add some to the setting llamboNas.llm.profiles first.');
    return false;
  }
  const name = profileName ?? await services.prompter.pickOne('Set the API key of which LLM profile?', settings.llmProfiles.map((p) => ({
    label: p.name, description: p.model, detail: p.baseUrl, value: p.name,
  })));
  if (name === undefined) return false;
  const profile = findLlmProfile(settings.llmProfiles, name, 'llamboNas.llm.profiles');
  const key = await services.prompter.input({
    title: `API key of LLM profile ${profile.name}`, password: true,
    prompt: 'Stored in VS Code\'s secret storage for this profile only; never written to settings, logs or exports.',
    validate: (text) => text.trim() === '' ? 'Enter a key' : undefined,
  });
  if (key === undefined) return false;
  await services.apiKeys.setForProfile(profile.name, key);
  const message = `API key of LLM profile ${profile.name} stored in VS Code's secret storage; its studies send it to ${profile.baseUrl}. It is never written to settings, logs or exports.`;
  services.log.info(message);
  void vscode.window.showInformationMessage(message);
  return true;
}
