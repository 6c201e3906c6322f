/**
 * Turns a StudyPlan into study specs (searchers x seeds) and runs them one after the other, each in
 * its own worker, under one cancellable progress notification. The first study's panel opens at once;
 * the status bar and the log follow every study. LLM searchers get their endpoint, latency mode and
 * prompt folder from the settings, and the API key from SecretStorage (in memory only).
 */
import * as vscode from 'vscode';
import { impliedScheduler, type StudySpecInput } from '../core/study/studySpec';
import { checkEndpointBeforeStudy, showEndpointProblem } from './endpointGate';
import type { NasServices } from './nasServices';
import type { StudyPlan } from './startStudyFlow';
import type { StudySession } from './studySession';
import { headlineShort } from '../core/study/resultFormat';
import { isLlmSearcher } from '../core/searchers/llmSearchers';
import type { LlmSettings } from './nasSettings';
import { decisionTimeFromSettings, splitCredentialHeaders, withStudySettings } from './studyLlmSettings';

/**
 * One spec per searcher and seed. The studies of a plan with several share a tag (`plan-<time>`), so
 * each one's panel draws the others beside it (IQM bands over seeds) and exports name the experiment.
 */
export function planSpecs(plan: StudyPlan, services: Pick<NasServices, 'settings'>, now = new Date()): StudySpecInput[] {
  const { scheduler, llm, prefetch } = services.settings();
  const group = plan.searchers.length * plan.seeds > 1 ? { tag: planTag(now) } : {};
  const specs: StudySpecInput[] = [];
  for (const searcher of plan.searchers) {
    for (let seed = 0; seed < plan.seeds; seed++) {
      specs.push({
        searcher, scheduler: impliedScheduler(searcher) ?? plan.scheduler, hours: plan.hours, workers: plan.workers, seed,
        rMin: scheduler.rMin, eta: scheduler.eta, rMax: scheduler.rMax, ...group,
        ...(isLlmSearcher(searcher) ? planLlmChoices(plan, llm, prefetch) : {}),
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
 * EndpointUnusableError when an LLM study's endpoint fails its check (skipped when the caller checked).
 */
export async function startOneStudy(services: NasServices, requested: StudySpecInput, openPanel: boolean, endpointChecked = false): Promise<StudySession> {
  const settings = services.settings();
  const spec = withStudySettings(requested, settings, services.workspaceDir);
  const llm = isLlmSearcher(spec.searcher);
  if (llm) warnAboutCredentialHeaders(services);
  // Only an LLM searcher gets the key; baselines never see it.
  const apiKey = llm ? await services.apiKeys.get() : undefined;
  if (llm && !endpointChecked) await checkEndpointBeforeStudy(services, spec, apiKey);
  const tablePath = services.tablePath();
  const session = services.registry.start(spec, { tablePath, apiKey });
  services.log.info(`study ${session.id} started: ${JSON.stringify(spec)} on ${tablePath}` +
    (llm ? ` (API key ${apiKey === undefined ? 'not set' : 'from secret storage'})` : ''));
  followSession(services, session, openPanel);
  return session;
}

/** Wires a started (or resumed) study to the status bar, the log and, if asked, its panel. */
export function followSession(services: NasServices, session: StudySession, openPanel: boolean): void {
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
  if (openPanel) services.panels.show(session, true);
}

function warnAboutCredentialHeaders(services: NasServices): void {
  const { dropped } = splitCredentialHeaders(services.settings().llm.extraHeaders);
  if (dropped.length === 0) return;
  const message = `llamboNas.llm.extraHeaders: ${dropped.join(', ')} not sent (it looks like a credential; use "NAS: Set API key", which keeps keys in secret storage).`;
  services.log.warn(message);
  void vscode.window.showWarningMessage(message);
}

/** Runs the specs in sequence with a progress notification; resolves with the sessions that ran. */
export async function runStudies(
  services: NasServices, specs: readonly StudySpecInput[], openFirstPanel: boolean, onStarted?: (session: StudySession) => void,
): Promise<StudySession[]> {
  const sessions: StudySession[] = [];
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'NAS', cancellable: true },
    async (progress, token) => {
      // One check for the whole plan, before its first study: all its LLM studies share the endpoint.
      const firstLlm = specs.find((spec) => isLlmSearcher(spec.searcher));
      if (firstLlm) {
        progress.report({ message: 'checking the LLM endpoint' });
        try {
          await checkEndpointBeforeStudy(services, withStudySettings(firstLlm, services.settings(), services.workspaceDir), await services.apiKeys.get());
        } catch (error) {
          if (!showEndpointProblem(services, error)) {
            const message = error instanceof Error ? error.message : String(error);
            services.log.error(`study not started: ${message}`);
            void vscode.window.showErrorMessage(`NAS study not started: ${message}`);
          }
          return;
        }
      }
      for (let i = 0; i < specs.length && !token.isCancellationRequested; i++) {
        let session: StudySession;
        try {
          session = await startOneStudy(services, specs[i], openFirstPanel && i === 0, true);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          services.log.error(`study not started: ${message}`);
          void vscode.window.showErrorMessage(`NAS study not started: ${message}`);
          break;
        }
        sessions.push(session);
        onStarted?.(session);
        const prefix = specs.length > 1 ? `study ${i + 1}/${specs.length} · ` : '';
        let reported = 0;
        const subscription = session.onDidChange((s) => {
          const h = s.headline;
          const percent = h.budgetSeconds > 0 ? Math.min(100, (100 * h.simulatedSeconds) / h.budgetSeconds) : 0;
          const total = (100 * i + percent) / specs.length;
          const state = h.llmWait ?? `${h.trialsStarted} trials, ${headlineShort(h.result)}`;
          progress.report({ increment: total - reported, message: `${prefix}${h.studyId}: ${state}` });
          reported = total;
        });
        const cancel = token.onCancellationRequested(() => { void session.stop(); });
        await session.ended;
        subscription.dispose();
        cancel.dispose();
      }
    },
  );
  return sessions;
}
