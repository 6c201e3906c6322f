/**
 * `study`: runs one simulated study and prints its summary (text or one JSON line). Without --searcher
 * it runs LLAMBO when an LLM endpoint is configured, and otherwise the four baselines.
 */
import { resolve } from 'node:path';
import { EventLogWriter } from '../core/study/eventLog';
import { acquireStudyLock } from '../core/study/studyLock';
import type { EventSink } from '../core/events/studyEvents';
import { runStudy, type StudySummary } from '../core/study/studyRunner';
import { SEARCHER_NAMES, type SearcherName, type StudySpec } from '../core/study/studySpec';
import { runBaselineStudies } from './baselineStudies';
import { hasKnownPrice } from '../core/llm/priceTable';
import { NUMERIC_RANGES as R } from '../core/study/numericRanges';
import { choiceFlag, rangedFlag, parseCommandArgs, stringFlag, UsageError, type FlagValues } from './cliArgs';
import type { CommandOutput } from './commandOutput';
import { ENABLE_LLAMBO_LINE, endpointConfiguredByEnv } from './llmEndpoint';
import { healthWarning, ranWithoutLlm } from './llmHealthOutcome';
import { preflightLlm } from './llmPreflight';
import { withWaitProgress } from './llmWaitProgress';
import { applyLlmFlags, ENDPOINT_FLAGS, givenLlmFlags, LLM_FLAGS, LLM_FLAGS_HELP, type LlmSetup } from './llmFlags';
import { applyStudyProfile, LLM_PROFILE_FLAG, LLM_PROFILES_FLAGS, LLM_PROFILES_HELP } from './llmProfiles';
import { ProgressBar } from './progressBar';
import { checkFlagsRunnable, specFromFlags, specInputFromFlags, STUDY_FLAGS, STUDY_FLAGS_HELP } from './studyOptions';
import { studyJson, studyText } from './studyReport';
import { loadTableTimed, tableNotice } from './tableSource';

export const STUDY_HELP = `Usage: node dist/cli.js study [options]

Runs one simulated NAS study on NAS-Bench-201 / CIFAR-10 and prints its outcome. Without --searcher:
LLAMBO when an LLM endpoint is configured (OPENAI_API_KEY, or LLAMBO_BASE_URL and LLAMBO_MODEL, or
--llm-base-url/--model), otherwise the four baselines random, bohb, rea, local (same seed) as a table.

  --searcher NAME          random | bohb | rea | local | mobster | dehb | llambo, or a baseline
                           started from LLAMBO's warm-start cells: NAME+warm (e.g. rea+warm;
                           bohb-llambo = bohb+warm)
  --seed N                 master seed (default 0): same seed, same study, event for event
${STUDY_FLAGS_HELP}
  --out DIR                save study.json + events.jsonl in DIR (refuses a folder holding a study;
                           the baselines go to DIR/<searcher>); DIR/running.lock keeps out a second
                           process while the study writes, and a full disk stops the study with the
                           log kept as whole lines
  --force                  with --out: replace a finished study in DIR (never one being written)
  --study-id ID            id recorded in the events (default <searcher>-<scheduler>-s<seed>-<time>)

${LLM_FLAGS_HELP}

${LLM_PROFILES_HELP}
  --llm-profile NAME       run the LLM searcher (default llambo) on that profile of --llm-profiles

With --json one JSON line is printed: searcher, scheduler, seed, table, trialsStarted,
resultsReported, headline: {arch, trialId, finalError, regret, observedErrorAtMax, observedEpoch,
reachedMaxEpoch, bestAnyEpoch} (the returned architecture and its seed-mean error at the table's
last epoch), the older bestError, bestErrorAtMax, regret, incumbentArch, simulatedSeconds, wallMs, ... and for LLM
searchers llm: {requests, promptTokens, completionTokens, costUsd, cacheHits, parseFailures,
failedCalls, fallbacks, newConfigs, httpRequests, retries, refusedRequests, endpointAdaptations,
proposalYield: {proposed, accepted, unused, refused: {evaluated, pending, duplicate, isomorphic, invalidOp,
wrongEdgeCount, disconnected}}, health: {status, problems, endpointDisabled, ranWithoutLlm, ...}} and
llmEndpoint (never the key).

Before an LLM study starts, the endpoint and model are checked with one cheap request (GET /models,
else a one-token chat); a refused connection, unknown host, timeout, refused key or missing model
ends the command with the fix (exit code 1). A replay-strict cache is not checked (it sends nothing).
During the study a line on stderr says when the LLM turns unhealthy; after 3 connection failures in
a row or a 401/403 the endpoint is no longer called (fallbacks, marked). Exit codes: 0 done, 1 error,
2 bad command line, 3 an LLM study ran without its LLM, 130 cancelled (Ctrl-C).`;

export async function studyCommand(args: readonly string[], out: CommandOutput, signal?: AbortSignal, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const values = parseCommandArgs('study', args, {
    ...STUDY_FLAGS, ...LLM_FLAGS, searcher: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' },
    force: { type: 'boolean' }, 'study-id': { type: 'string' }, ...LLM_PROFILES_FLAGS, ...LLM_PROFILE_FLAG,
  });
  if (values.help) { out.stdout(STUDY_HELP); return 0; }
  const input = specInputFromFlags(values);
  const seed = rangedFlag(values, 'seed', R.seed);
  if (seed !== undefined) input.seed = seed;
  const outFlag = stringFlag(values, 'out');
  const outDir = outFlag === undefined ? undefined : resolve(outFlag);
  const searcher = chooseSearcher(values, input, env);

  if (searcher === 'baselines') {
    if (values['study-id'] !== undefined) throw new UsageError('--study-id names one study: give --searcher too (the default runs four baselines)');
    const given = givenLlmFlags(values);
    if (given.length > 0) throw new UsageError(`--${given[0]}: no LLM endpoint is configured, so study runs the baselines. ${ENABLE_LLAMBO_LINE}`);
    const spec = specFromFlags({ ...input, searcher: 'random' });
    const { benchmark, loadMs } = loadTableTimed(spec.table);
    checkFlagsRunnable(spec, benchmark);
    return runBaselineStudies({ spec, benchmark, loadMs, json: values.json === true, env, outDir, force: values.force === true, signal }, out);
  }

  input.searcher = searcher;
  const studyId = stringFlag(values, 'study-id');
  if (studyId !== undefined) input.studyId = studyId;
  const llm = values['llm-profile'] !== undefined
    ? applyStudyProfile(input, values, searcher, env)
    : applyLlmFlags(input, values, { searchers: [searcher], env, outDir });
  const spec = specFromFlags(input);
  const { benchmark, loadMs } = loadTableTimed(spec.table);
  checkFlagsRunnable(spec, benchmark);
  if (llm && !values.json) out.stderr(startNote(llm, spec.llm));
  if (llm) await preflightLlm(spec, llm, out, values.json === true);

  // Locked before the writer opens (and, with --force, truncates) events.jsonl: a second process is refused first.
  const lock = outDir === undefined ? undefined : acquireStudyLock(outDir);
  let log: EventLogWriter | undefined;
  try {
    log = outDir === undefined ? undefined : new EventLogWriter(outDir, { table: benchmark.info, overwrite: values.force === true });
  } catch (error) {
    lock?.release();
    throw error;
  }
  const bar = new ProgressBar('study', values.json ? undefined : out.progressStream);
  // The reply cache's dropped torn line is a notice in the log; the terminal shows it as it happens. Only
  // an LLM study gets this sink: one without sinks makes no event objects at all.
  const cacheNotices: EventSink = (event) => {
    if (event.type === 'searcherInfo' && (event.detail as { replyCache?: unknown } | undefined)?.replyCache !== undefined) { bar.finish(); out.stderr(event.message); }
  };
  const sinks: EventSink[] = [...(log ? [log.sink] : []), ...(llm ? [cacheNotices] : [])];
  let progress = { fraction: 0, text: '' };
  const waits = { bar: (text: string) => bar.update(progress.fraction, `${progress.text}  ${text}`), line: (text: string) => { bar.finish(); out.stderr(text); } };
  let summary: StudySummary;
  try {
    summary = await runStudy(spec, {
      benchmark, sinks, signal, ...(llm ? { llm: withWaitProgress(llm.access, waits) } : {}),
      onLlmHealthProblem: (problem) => { bar.finish(); out.stderr(healthWarning(problem)); },
      onProgress: (p) => {
        progress = { fraction: p.fraction, text: `trials ${p.trialsStarted}  results ${p.resultsReported}` };
        bar.update(p.fraction, progress.text);
      },
    });
  } finally {
    bar.finish();
    try {
      log?.close();
    } finally {
      lock?.release();
    }
  }
  const ctx = { spec, loadMs, tablePath: benchmark.info.path, tableKind: benchmark.info.kind, outDir: log?.dir, llm };
  if (values.json) {
    out.stdout(JSON.stringify(studyJson(summary, ctx)));
  } else {
    for (const line of studyText(summary, ctx)) out.stdout(line);
    for (const line of tableNotice(benchmark)) out.stdout(line);
  }
  if (summary.stopReason === 'cancelled') return 130;
  const without = summary.llm ? ranWithoutLlm([{ who: `study ${summary.studyId}`, health: summary.llm.health }]) : undefined;
  if (without) out.stderr(without.line);
  return without?.code ?? 0;
}

/** --searcher, else the --spec file's searcher, else LLAMBO if an endpoint is configured, else the baselines. */
function chooseSearcher(values: FlagValues, input: Record<string, unknown>, env: NodeJS.ProcessEnv): SearcherName | 'baselines' {
  const flag = choiceFlag(values, 'searcher', SEARCHER_NAMES);
  if (flag !== undefined) return flag;
  if (input.searcher !== undefined) return input.searcher as SearcherName; // validated with the rest of the spec
  if (values['llm-profile'] !== undefined) return 'llambo';
  if (ENDPOINT_FLAGS.some((name) => values[name] !== undefined) || endpointConfiguredByEnv(env)) return 'llambo';
  return 'baselines';
}

function startNote(llm: LlmSetup, spec: StudySpec['llm']): string {
  const maxUsd = spec?.maxUsd;
  // A model without a price is never charged, so a dollar budget cannot apply to it: do not promise one.
  const budget = !hasKnownPrice(llm.model, spec?.prices) ? `no price known for "${llm.model}", so no dollar budget applies`
    : maxUsd === undefined ? 'no dollar budget' : `dollar budget $${maxUsd} (--max-llm-usd)`;
  return `LLM: ${llm.model} at ${llm.baseUrl} (key: ${llm.keyFrom ?? 'none sent'}); ${budget}; Ctrl-C cancels`;
}
