/**
 * The study commands of the "NAS" category: Start NAS study, Stop study, Open study, Compare
 * searchers. Each accepts optional arguments that skip the questions (keybindings, scripts, tests).
 */
import * as vscode from 'vscode';
import { median } from '../core/study/compareStats';
import type { StudySpecInput } from '../core/study/studySpec';
import type { StudyHeadline } from '../protocol';
import { hasLlmEndpoint, setUpLlmEndpoint } from './llmEndpointSetup';
import type { NasServices } from './nasServices';
import { askStudyPlan, defaultPlan, restorePlan, type StudyPlan } from './startStudyFlow';
import { ERROR_METRIC } from '../core/readModel/errorMetric';
import { formatError, formatRegret, headlineShort } from '../core/study/resultFormat';
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

/**
 * The comparison, ranked by the headline (DESIGN.md section 10): per searcher the median over seeds of
 * the returned cell's seed-mean error at the table's last epoch, and its regret; the best error at
 * any epoch only as the last, labelled column.
 */
function comparisonMarkdown(plan: StudyPlan, headlines: readonly StudyHeadline[]): string {
  const lines = [
    `# Searcher comparison`, '',
    `${plan.scheduler}, ${plan.hours} h simulated, ${plan.workers} workers, seeds 0-${plan.seeds - 1}. Table: ${headlines[0]?.table ?? '—'}.`, '',
    `Error = ${ERROR_METRIC}. Ranked by the median over seeds of the returned architecture's error at the table's last epoch ` +
      `(seed mean); the returned architecture is the best at r_max, else at the highest rung reached.`, '',
    '| rank | searcher | runs | median error (seed mean) | median regret | best | worst | median best at any epoch (secondary) |',
    '|---:|---|---:|---:|---:|---:|---:|---:|',
  ];
  const rows = plan.searchers.map((searcher) => searcherSummary(searcher, headlines.filter((h) => h.searcher === searcher)));
  rows.sort((a, b) => (a.medianError ?? Infinity) - (b.medianError ?? Infinity));
  rows.forEach((r, i) => lines.push(
    `| ${i + 1} | ${r.searcher} | ${r.runs} | ${formatError(r.medianError)} | ${formatRegret(r.medianRegret)} | ` +
      `${formatError(r.errors[0])} | ${formatError(r.errors[r.errors.length - 1])} | ${formatError(r.medianAnyEpoch)} |`,
  ));
  lines.push('', 'Studies: ' + headlines.map((h) => `${h.studyId} (${headlineShort(h.result)})`).join(', '), '');
  return lines.join('\n');
}

interface SearcherSummary {
  readonly searcher: string;
  readonly runs: number;
  /** Headline errors of the runs that have one, ascending. */
  readonly errors: readonly number[];
  readonly medianError: number | null;
  readonly medianRegret: number | null;
  readonly medianAnyEpoch: number | null;
}

function searcherSummary(searcher: string, headlines: readonly StudyHeadline[]): SearcherSummary {
  const present = (values: readonly (number | null | undefined)[]) => values.filter((v): v is number => typeof v === 'number').sort((a, b) => a - b);
  const middle = (values: readonly number[]) => (values.length === 0 ? null : median(values));
  const errors = present(headlines.map((h) => h.result?.finalError));
  return {
    searcher, runs: errors.length, errors, medianError: middle(errors),
    medianRegret: middle(present(headlines.map((h) => h.result?.regret))),
    medianAnyEpoch: middle(present(headlines.map((h) => h.result?.bestAnyEpoch?.error))),
  };
}
