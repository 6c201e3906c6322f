/**
 * Turns a StudyPlan into study specs (searchers x seeds) and runs them one after the other, each in
 * its own worker, under one cancellable progress notification that says "study k of N". The first
 * study's panel opens at once, before the endpoint check and the worker start, so its webview loads
 * meanwhile (PendingStudyPanel); the status bar and the log follow every study. LLM searchers get their endpoint, latency mode and
 * prompt folder from the settings, and the API key from SecretStorage (in memory only).
 */
import * as vscode from 'vscode';
import { impliedScheduler, type StudySpecInput } from '../core/study/studySpec';
import { checkEndpointBeforeStudy, endpointIdentity, showEndpointProblem, type EarlyEndpointCheck } from './endpointGate';
import type { NasServices } from './nasServices';
import type { StudyPlan } from './startStudyFlow';
import type { StudySession } from './studySession';
import { headlineShort } from '../core/study/resultFormat';
import { isLlmSearcher } from '../core/searchers/llmSearchers';
import type { LlmSettings } from './nasSettings';
import { decisionTimeFromSettings, planWarmStartCache, profileLlmSpec, splitCredentialHeaders, withStudySettings } from './studyLlmSettings';
import type { StudyHeadline } from '../protocol';
import { progressLine } from './studyHeadlineText';
import { StudyPlanRun, type PlanPosition } from './studyPlanRun';
import { planEntries } from './planEntries';
import type { StartTimeline } from './startTimeline';
import type { PendingStudyPanel } from './pendingStudyPanel';

/** A started study's panel: none, a new one, or one opened before the study (StudyPanels.openPending). */
export type StudyPanelChoice = boolean | PendingStudyPanel;

/** The caller checked the study's endpoint with this key (read once for the whole plan). */
export interface CheckedEndpoint {
  readonly apiKey: string | undefined;
}

/** The key each endpoint of a plan was checked with: the default endpoint's under undefined, else the profile's. */
type CheckedKeys = ReadonlyMap<string | undefined, string | undefined>;

/**
 * One spec per searcher and seed. The studies of a plan with several share a tag (`plan-<time>`), so
 * each one's panel draws the others beside it (IQM bands over seeds) and exports name the experiment.
 */
export function planSpecs(plan: StudyPlan, services: Pick<NasServices, 'settings'>, now = new Date()): StudySpecInput[] {
  const settings = services.settings();
  const { scheduler, llm, prefetch } = settings;
  const entries = planEntries(plan, settings);
  const tag = entries.length * plan.seeds > 1 ? planTag(now) : undefined;
  const specs: StudySpecInput[] = [];
  for (const { searcher, profile } of entries) {
    for (let seed = 0; seed < plan.seeds; seed++) {
      specs.push({
        searcher, scheduler: impliedScheduler(searcher) ?? plan.scheduler, hours: plan.hours, workers: plan.workers, seed,
        rMin: scheduler.rMin, eta: scheduler.eta, rMax: scheduler.rMax, ...(tag !== undefined ? { tag } : {}),
        ...(isLlmSearcher(searcher) ? planLlmChoices(plan, llm, prefetch) : {}),
        // A profile's studies share the profile's own cache; other warm-started ones the plan's (planWarmStartCache).
        ...(profile ? { llm: profileLlmSpec(profile, llm) } : planWarmStartCache(searcher, tag, llm)),
      });
    }
  }
  return specs;
}

/** The plan's latency mode and context level, for an LLM searcher's spec (the settings fill the rest). */
function planLlmChoices(plan: StudyPlan, llm: LlmSettings, prefetch: boolean): Pick<StudySpecInput, 'decisionTime' | 'searcherOptions'> {
  return {
    ...(plan.latencyMode !== undefined ? { decisionTime: decisionTimeFromSettings({ ...llm, latencyMode: plan.latencyMode }, prefetch) } : {}),
    ...(plan.contextLevel !== undefined ? { searcherOptions: { contextLevel: plan.contextLevel } } : {}),
  };
}

/** `plan-yyyymmdd-hhmmss` in local time, like the time stamp of study ids. */
export function planTag(at: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `plan-${at.getFullYear()}${two(at.getMonth() + 1)}${two(at.getDate())}-${two(at.getHours())}${two(at.getMinutes())}${two(at.getSeconds())}`;
}

/**
 * Starts one study and wires it to the status bar and the log; throws StudySpecError on a bad spec and
 * EndpointUnusableError when an LLM study's endpoint fails its check (skipped when the caller checked it, with the key it gives).
 * `openPanel` true opens the panel at once, before the key is read and the endpoint checked; a panel
 * of a study that did not start is closed.
 */
export async function startOneStudy(
  services: NasServices, requested: StudySpecInput, openPanel: StudyPanelChoice, checked?: CheckedEndpoint, timeline?: StartTimeline,
): Promise<StudySession> {
  const panel = openPanel === true ? services.panels.openPending(timeline) : openPanel;
  try {
    return await startWithPanel(services, requested, panel, checked, timeline);
  } catch (error) {
    if (panel !== false) panel.dispose();
    throw error;
  }
}

async function startWithPanel(
  services: NasServices, requested: StudySpecInput, panel: PendingStudyPanel | false, checked: CheckedEndpoint | undefined, timeline: StartTimeline | undefined,
): Promise<StudySession> {
  const settings = services.settings();
  const spec = withStudySettings(requested, settings, services.workspaceDir);
  const llm = isLlmSearcher(spec.searcher);
  if (llm) warnAboutCredentialHeaders(services);
  // Only an LLM searcher gets the key (its profile's, else the default endpoint's); baselines never see it.
  const apiKey = !llm ? undefined : checked ? checked.apiKey : await services.apiKeys.keyForProfile(spec.llm?.profile);
  if (llm && !checked) await checkEndpointBeforeStudy(services, spec, apiKey);
  const tablePath = services.tablePath();
  const session = services.registry.start(spec, { tablePath, apiKey, startTimeline: timeline });
  services.log.info(`study ${session.id} started: ${JSON.stringify(spec)} on ${tablePath}` +
    (llm ? ` (API key ${apiKey === undefined ? 'not set' : 'from secret storage'})` : ''));
  followSession(services, session, panel);
  return session;
}

/** Wires a started (or resumed) study to the status bar, the log and, if asked, its panel. */
export function followSession(services: NasServices, session: StudySession, openPanel: StudyPanelChoice): void {
  let lastLogged = 0;
  let llmUnhealthy = session.headline.llmUnhealthy;
  session.onDidChange((s, events, restarted) => {
    services.statusBar.update(s.headline);
    if (restarted) llmUnhealthy = undefined;
    if (s.headline.llmUnhealthy !== undefined && s.headline.llmUnhealthy !== llmUnhealthy) {
      // Said at once, each new problem: the study goes on (fallbacks), but its results are no longer LLAMBO's alone.
      llmUnhealthy = s.headline.llmUnhealthy;
      const message = `Study ${s.id}: ${llmUnhealthy}`;
      services.log.warn(message);
      void vscode.window.showWarningMessage(message);
    }
    lastLogged += events.length;
    services.log.debug(`study ${s.id}: ${events.length} events (${lastLogged} in total)`);
  });
  services.statusBar.update(session.headline);
  void session.ended.then((h) => {
    const line = `study ${h.studyId} ${h.status}: ${h.trialsStarted} trials, ${h.resultsReported} results, ${headlineShort(h.result)}` +
      (h.message ? ` — ${h.message}` : '');
    if (h.status === 'failed') services.log.error(line);
    else services.log.info(line);
  });
  if (openPanel === true) services.panels.show(session, true);
  else if (openPanel) services.panels.adoptPending(openPanel, session);
}

function warnAboutCredentialHeaders(services: NasServices): void {
  const { dropped } = splitCredentialHeaders(services.settings().llm.extraHeaders);
  if (dropped.length === 0) return;
  const message = `llamboNas.llm.extraHeaders: ${dropped.join(', ')} not sent (it looks like a credential; use "NAS: Set API key", which keeps keys in secret storage).`;
  services.log.warn(message);
  void vscode.window.showWarningMessage(message);
}

/**
 * Runs the specs in sequence under one progress notification ("study k of N" for a plan of several);
 * resolves with the sessions that ran. Cancel on the notification, or Stop study asked to stop the
 * whole plan (services.plans), stops the running study and starts no further one.
 */
export async function runStudies(
  services: NasServices, specs: readonly StudySpecInput[], openFirstPanel: boolean, onStarted?: (session: StudySession) => void,
  timeline?: StartTimeline, early?: EarlyEndpointCheck,
): Promise<StudySession[]> {
  const sessions: StudySession[] = [];
  const plan = new StudyPlanRun(specs.length);
  services.plans.add(plan);
  // Opened now, so the webview loads while the endpoint is checked and the worker starts.
  const firstPanel = openFirstPanel ? services.panels.openPending(timeline) : undefined;
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'NAS', cancellable: true },
      async (progress, token) => {
        const cancel = token.onCancellationRequested(() => plan.stopRemaining());
        try {
          // One check per endpoint (the default one, or each profile), before the plan's first study.
          const keys = await planEndpointKeys(services, specs, progress, timeline, early);
          if (!keys) return;
          timeline?.mark('endpointChecked');
          for (const spec of specs) {
            if (!plan.mayStartNext) break;
            const first = sessions.length === 0;
            const session = await startPlanStudy(services, spec, (first && firstPanel) || false, keys, first ? timeline : undefined);
            if (!session) break;
            const position = plan.begin(session.id);
            sessions.push(session);
            services.statusBar.update(session.headline);
            onStarted?.(session);
            await reportStudyProgress(session, progress, token, position);
          }
        } finally {
          cancel.dispose();
        }
        if (plan.stopRequested && specs.length > 1) {
          services.log.info(`plan stopped by the user after ${sessions.length} of ${specs.length} studies`);
        }
      },
    );
  } finally {
    // Closed unless the first study took it (the check failed, the plan was cancelled).
    firstPanel?.dispose();
    services.plans.delete(plan);
    // The plan is over: its last study shows on its own, without a "study k of N" that no longer runs.
    const last = sessions[sessions.length - 1];
    if (last) services.statusBar.update(last.headline);
  }
  return sessions;
}

/**
 * Checks every endpoint the plan's LLM studies use (the default one, or each profile's) and returns
 * the key each was checked with (empty for a plan without LLM studies); undefined, after saying why,
 * when one failed. `early`, a check begun before the plan was known, stands for the endpoint it names.
 */
async function planEndpointKeys(
  services: NasServices, specs: readonly StudySpecInput[], progress: vscode.Progress<{ message?: string }>, timeline?: StartTimeline,
  early?: EarlyEndpointCheck,
): Promise<CheckedKeys | undefined> {
  const endpoints = new Map(specs.filter((spec) => isLlmSearcher(spec.searcher)).map((spec) => [spec.llm?.profile, spec] as const));
  const keys = new Map<string | undefined, string | undefined>();
  for (const [profile, first] of endpoints) {
    progress.report({ message: profile === undefined ? 'checking the LLM endpoint' : `checking LLM profile ${profile}` });
    try {
      const spec = withStudySettings(first, services.settings(), services.workspaceDir);
      const passed = early && early.profile === profile && early.identity === endpointIdentity(spec) ? await earlyKey(early) : undefined;
      const apiKey = passed ? passed.apiKey : await services.apiKeys.keyForProfile(profile);
      timeline?.mark('keyRead');
      if (!passed) await checkEndpointBeforeStudy(services, spec, apiKey);
      keys.set(profile, apiKey);
    } catch (error) {
      if (!showEndpointProblem(services, error)) reportNotStarted(services, error);
      return undefined;
    }
  }
  return keys;
}

/** The key an early check passed with; undefined when it failed (the plan checks again, and says why). */
async function earlyKey(early: EarlyEndpointCheck): Promise<CheckedEndpoint | undefined> {
  try {
    await early.checked;
    return { apiKey: await early.apiKey };
  } catch {
    return undefined;
  }
}

/** Starts one study of a plan whose endpoints were checked; undefined (after saying why) when it could not start. */
async function startPlanStudy(
  services: NasServices, spec: StudySpecInput, openPanel: StudyPanelChoice, keys: CheckedKeys, timeline?: StartTimeline,
): Promise<StudySession | undefined> {
  const profile = spec.llm?.profile;
  try {
    return await startOneStudy(services, spec, openPanel, keys.has(profile) ? { apiKey: keys.get(profile) } : undefined, timeline);
  } catch (error) {
    reportNotStarted(services, error);
    return undefined;
  }
}

function reportNotStarted(services: NasServices, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  services.log.error(`study not started: ${message}`);
  void vscode.window.showErrorMessage(`NAS study not started: ${message}`);
}

/**
 * Reports a running study's progress until it ends; Cancel on the notification stops it. Shared by a
 * plan's studies and a resumed one, so both have the same progress with Cancel.
 */
export async function reportStudyProgress(
  session: StudySession, progress: vscode.Progress<{ message?: string; increment?: number }>, token: vscode.CancellationToken, position?: PlanPosition,
): Promise<StudyHeadline> {
  // What the notification shows already: the plan's earlier studies, each counted in full.
  let reported = position ? (100 * (position.k - 1)) / position.total : 0;
  const report = (h: StudyHeadline) => {
    const line = progressLine(h, position);
    progress.report({ increment: line.percent - reported, message: line.message });
    reported = line.percent;
  };
  const subscription = session.onDidChange((s) => report(s.headline));
  const cancel = token.onCancellationRequested(() => { void session.stop(); });
  try {
    report(session.headline);
    return await session.ended;
  } finally {
    subscription.dispose();
    cancel.dispose();
  }
}
