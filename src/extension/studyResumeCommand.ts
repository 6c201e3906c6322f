/**
 * "Resume study" for a study a window reload (or a crash) interrupted: runs the recorded spec and
 * seed again from the start, in the same folder, with the reply cache in replay-or-live mode, so
 * every LLM reply recorded before the interruption replays at no cost and the simulation retraces
 * the same path. The new run rewrites events.jsonl; the interrupted log stays beside it as
 * events.interrupted-<n>.jsonl (nothing reported is ever deleted). Its progress shows in a
 * notification with Cancel, as a fresh study's does.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import * as vscode from 'vscode';
import { openEventLog } from '../core/study/eventLog';
import type { StudySpecInput } from '../core/study/studySpec';
import { checkEndpointBeforeStudy } from './endpointGate';
import type { NasServices } from './nasServices';
import { headlineShort } from '../core/study/resultFormat';
import { followSession, reportStudyProgress } from './studyLauncher';
import { isLlmSearcher } from '../core/searchers/llmSearchers';
import { LLM_CACHE_FILE, resumeSpec } from './studyLlmSettings';

export interface ResumeStudyArgs {
  readonly studyId?: string;
  /** Open (or refresh) the study's panel; default true. */
  readonly openPanel?: boolean;
}

/** Resolves with the resumed study's id, or undefined when there was nothing to resume. */
export async function resumeStudyCommand(services: NasServices, args: ResumeStudyArgs = {}): Promise<string | undefined> {
  const interrupted = services.registry.list().filter((s) => s.headline.status === 'interrupted');
  const id = args.studyId ?? await services.prompter.pickOne('Resume which study?', interrupted.map((s) => ({
    label: s.id, description: `${s.headline.trialsStarted} trials · ${headlineShort(s.headline.result)}`, value: s.id,
  })), 'Interrupted studies run again from the start; cached LLM replies replay at no cost');
  if (id === undefined) {
    if (interrupted.length === 0) void vscode.window.showInformationMessage('No interrupted NAS study in this workspace.');
    return undefined;
  }
  const session = services.registry.get(id);
  if (!session) throw new Error(`Study ${id} was not found in ${services.registry.root}.`);
  // Only study.json is needed: the run starts again from the start, the interrupted log is kept aside.
  const { record } = openEventLog(session.dir);
  const spec = resumeSpec(record.spec as StudySpecInput);
  const llm = isLlmSearcher(spec.searcher);
  // A study on an LLM profile resumes with that profile's key, never the default endpoint's.
  const apiKey = llm ? await services.apiKeys.keyForProfile(spec.llm?.profile) : undefined;
  const recordedTable = record.table.path;
  const tablePath = recordedTable !== undefined && existsSync(recordedTable) ? recordedTable : services.tablePath();
  if (tablePath !== recordedTable) services.log.warn(`study ${id}: its table ${recordedTable ?? '(not recorded)'} is gone; resuming on ${tablePath}`);
  if (llm) await checkEndpointBeforeStudy(services, spec, apiKey);
  services.registry.resume(id, spec, { tablePath, apiKey, created: record.created });
  // A plan's warm-started studies share a cache beside their folders (planWarmStartCache).
  const cachePath = spec.llm?.cachePath ?? LLM_CACHE_FILE;
  const cache = llm ? (existsSync(resolve(session.dir, cachePath)) ? `; recorded LLM replies replay from ${cachePath}` : '; no LLM replies were recorded, so every call goes to the endpoint') : '';
  services.log.info(`study ${id} resumed: same spec and seed from the start${cache}`);
  followSession(services, session, args.openPanel ?? true);
  // Like a fresh study: progress in a notification whose Cancel stops it.
  void vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'NAS (resumed)', cancellable: true },
    (progress, token) => reportStudyProgress(session, progress, token),
  );
  return id;
}
