/**
 * Collects usable cells from proposal requests (warm start, sampler): one round of concurrent
 * requests, then at most `repairRounds` follow-up rounds while too few cells passed the checks. A
 * follow-up continues a previous conversation and tells the LLM what was wrong with its reply.
 */
import { cellOpsJson } from './cellText';
import { parseCellsReply } from './cellReplyParser';
import type { BatchSeen, CellRegistry } from './cellRegistry';
import type { LlamboPrompts } from './llamboPrompts';
import { stageSeconds, type CallOutcome, type CallSpec, type LlmCallRecorder } from './llmCallRecorder';
import type { Cell } from '../nb201/searchSpace';

export interface ProposedCell {
  readonly cell: Cell;
  readonly callId: string;
}

export interface ProposalPlan {
  readonly initial: readonly CallSpec[];
  /** A new request for `count` cells, used when no earlier conversation can be continued. */
  readonly fresh: (count: number, index: number) => CallSpec;
  /** Accept at most this many cells. */
  readonly target: number;
  /** Run repair rounds while fewer than this many were accepted. */
  readonly minimum: number;
  readonly repairRounds: number;
  readonly maxPerReply: number;
  readonly timingConcurrency: number;
}

export interface ProposalResult {
  readonly accepted: ProposedCell[];
  /** LLM seconds on the critical path (rounds are sequential). */
  readonly seconds: number;
  readonly failedCalls: number;
  readonly calls: number;
}

const MAX_PROBLEM_LINES = 12;
const MAX_EXCLUDED_CELLS = 40;

export async function collectProposals(
  recorder: LlmCallRecorder, prompts: LlamboPrompts, registry: CellRegistry, batch: BatchSeen, plan: ProposalPlan,
): Promise<ProposalResult> {
  const accepted: ProposedCell[] = [];
  let seconds = 0, failedCalls = 0, calls = 0;
  let specs: readonly CallSpec[] = plan.initial;
  for (let round = 0; round <= plan.repairRounds && specs.length > 0; round++) {
    const outcomes = await recorder.run(specs);
    seconds += stageSeconds(outcomes, plan.timingConcurrency);
    calls += outcomes.length;
    const problems = new Map<CallOutcome, string[]>();
    for (const outcome of outcomes) {
      if (!outcome.result) failedCalls++;
      problems.set(outcome, takeCells(outcome, registry, batch, accepted, plan.target, recorder));
    }
    if (accepted.length >= plan.minimum || round === plan.repairRounds) break;
    specs = repairSpecs(outcomes, problems, accepted, plan, prompts, (spec) => recorder.fitsWindow(spec));
  }
  return { accepted, seconds, failedCalls, calls };
}

/** Parses one reply, admits its cells and records the call; returns the problems for a repair turn. */
function takeCells(outcome: CallOutcome, registry: CellRegistry, batch: BatchSeen, accepted: ProposedCell[], target: number, recorder: LlmCallRecorder): string[] {
  if (!outcome.result) {
    recorder.record(outcome);
    return [];
  }
  const text = outcome.result.texts.join('\n');
  const parsed = parseCellsReply(text);
  const problems = parsed.rejected.map((r) => `${r.text}: ${r.reason}`);
  let used = 0;
  // Well-formed cells refused as known, duplicate or disconnected: reported with the reply's problems
  // (and in the repair turn) but counted apart, since the reply itself was read as asked.
  let dropped = 0;
  for (const cell of parsed.cells) {
    if (accepted.length >= target) break;
    const reason = registry.admit(cell, batch);
    if (reason) {
      problems.push(`${cellOpsJson(cell)}: ${reason}`);
      dropped++;
    } else {
      accepted.push({ cell, callId: outcome.callId });
      used++;
    }
  }
  const failures = problems.slice();
  if (parsed.cells.length === 0) failures.push(...parsed.notes);
  if (outcome.spec.asked !== undefined && parsed.cells.length + parsed.rejected.length < outcome.spec.asked) {
    failures.push(`asked for ${outcome.spec.asked} cells, got ${parsed.cells.length + parsed.rejected.length}`);
  }
  recorder.record(outcome, {
    parsed: { cells: parsed.cells.map((c) => c.slice()), accepted: used, dropped, notes: parsed.notes },
    parseFailures: failures,
  });
  return failures;
}

function repairSpecs(
  outcomes: readonly CallOutcome[], problems: Map<CallOutcome, string[]>, accepted: readonly ProposedCell[], plan: ProposalPlan,
  prompts: LlamboPrompts, fitsWindow: (spec: CallSpec) => boolean,
): CallSpec[] {
  const wanted = Math.min(plan.target - accepted.length, Math.max(1, 2 * (plan.minimum - accepted.length)));
  if (wanted <= 0) return [];
  const requests = Math.ceil(wanted / plan.maxPerReply);
  const conversations = outcomes.filter((o) => o.result && o.result.texts.length > 0);
  const excluded = accepted.slice(-MAX_EXCLUDED_CELLS).map((p) => cellOpsJson(p.cell));
  const excludedText = excluded.length === 0 ? '(none yet)' :
    excluded.join(', ') + (accepted.length > excluded.length ? ` and ${accepted.length - excluded.length} more` : '');
  const specs: CallSpec[] = [];
  for (let i = 0; i < requests; i++) {
    const count = Math.ceil(wanted / requests);
    const base = conversations.length > 0 ? conversations[i % conversations.length] : undefined;
    if (!base || !base.result) {
      specs.push(plan.fresh(count, i));
      continue;
    }
    const lines = problems.get(base) ?? [];
    const problemText = lines.length === 0 ? '- too few cells were usable' :
      lines.slice(0, MAX_PROBLEM_LINES).map((l) => `- ${l}`).join('\n') + (lines.length > MAX_PROBLEM_LINES ? `\n- and ${lines.length - MAX_PROBLEM_LINES} more` : '');
    const followUp: CallSpec = {
      component: 'repair',
      template: 'repair',
      asked: count,
      params: base.spec.params,
      messages: [
        ...base.spec.messages,
        { role: 'assistant', content: base.result.texts[0] },
        { role: 'user', content: prompts.templates.render('repair', { problems: problemText, count, excluded: excludedText }) },
      ],
    };
    // The conversation carries the whole first prompt and its reply: past the window, ask afresh.
    specs.push(fitsWindow(followUp) ? followUp : plan.fresh(count, i));
  }
  return specs;
}
