/**
 * Collects usable cells from proposal requests (warm start, sampler): one round of concurrent
 * requests, then at most `repairRounds` follow-up rounds while fewer than `minimum` cells passed the
 * checks. Requests ask for more cells than needed (oversampling), so refused proposals (already
 * evaluated, pending, duplicate, isomorphic, invalid) are expected losses, counted by reason in the
 * call's `parsed.yield`, and do not by themselves cause a repair round. A follow-up continues a
 * previous conversation and tells the LLM what was wrong with its reply.
 */
import { cellOpsJson, cellWord } from './cellText';
import { parseCellsReply } from './cellReplyParser';
import type { BatchSeen, CellRegistry } from './cellRegistry';
import type { LlamboPrompts } from './llamboPrompts';
import { stageSeconds, type CallOutcome, type CallSpec, type LlmCallRecorder } from './llmCallRecorder';
import type { Cell } from '../nb201/searchSpace';
import { addYield, emptyYield, parseRefusalReason, REFUSAL_TEXT, type ProposalYield } from './proposalYield';

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
  /** Cells asked per cell needed in a repair round (the first round's specs are already oversampled). */
  readonly oversampling: number;
  readonly timingConcurrency: number;
}

/** Cells to ask for so that `needed` usable ones are expected after the usual losses. */
export function oversampled(needed: number, oversampling: number): number {
  return Math.ceil(needed * oversampling);
}

export interface ProposalResult {
  readonly accepted: ProposedCell[];
  /** LLM seconds on the critical path (rounds are sequential). */
  readonly seconds: number;
  readonly failedCalls: number;
  readonly calls: number;
  /** What became of every proposed cell, over all rounds. */
  readonly yield: ProposalYield;
}

const MAX_PROBLEM_LINES = 12;
const MAX_EXCLUDED_CELLS = 40;

export async function collectProposals(
  recorder: LlmCallRecorder, prompts: LlamboPrompts, registry: CellRegistry, batch: BatchSeen, plan: ProposalPlan,
): Promise<ProposalResult> {
  const accepted: ProposedCell[] = [];
  const total = emptyYield();
  let seconds = 0, failedCalls = 0, calls = 0;
  let specs: readonly CallSpec[] = plan.initial;
  for (let round = 0; round <= plan.repairRounds && specs.length > 0; round++) {
    const outcomes = await recorder.run(specs);
    seconds += stageSeconds(outcomes, plan.timingConcurrency);
    calls += outcomes.length;
    const problems = new Map<CallOutcome, string[]>();
    for (const outcome of outcomes) {
      if (!outcome.result) failedCalls++;
      problems.set(outcome, takeCells(outcome, registry, batch, accepted, plan.target, recorder, total));
    }
    if (accepted.length >= plan.minimum || round === plan.repairRounds) break;
    specs = repairSpecs(outcomes, problems, accepted, plan, prompts, (spec) => recorder.fitsWindow(spec));
  }
  return { accepted, seconds, failedCalls, calls, yield: total };
}

/**
 * Parses one reply, admits its cells and records the call with its yield (added to `total`); returns
 * the problems for a repair turn. Every cell is judged, also once the pool is full, so the yield says
 * what each proposal was worth: usable cells beyond the pool's need are counted as unused.
 */
function takeCells(
  outcome: CallOutcome, registry: CellRegistry, batch: BatchSeen, accepted: ProposedCell[], target: number,
  recorder: LlmCallRecorder, total: ProposalYield,
): string[] {
  if (!outcome.result) {
    recorder.record(outcome);
    return [];
  }
  const text = outcome.result.texts.join('\n');
  const parsed = parseCellsReply(text);
  const tally = emptyYield();
  tally.proposed = parsed.cells.length + parsed.rejected.length;
  for (const r of parsed.rejected) tally.refused[parseRefusalReason(r.reason)]++;
  const problems = parsed.rejected.map((r) => `${r.text}: ${r.reason}`);
  // Well-formed cells refused as known, duplicate or disconnected: reported with the reply's problems
  // (and in the repair turn) but counted apart (`dropped`), since the reply itself was read as asked.
  let dropped = 0;
  for (const cell of parsed.cells) {
    const reason = registry.admit(cell, batch);
    if (reason) {
      problems.push(`${cellOpsJson(cell)}: ${REFUSAL_TEXT[reason]}`);
      tally.refused[reason]++;
      dropped++;
    } else if (accepted.length >= target) {
      tally.unused++;
    } else {
      accepted.push({ cell, callId: outcome.callId });
      tally.accepted++;
    }
  }
  addYield(total, tally);
  const failures = problems.slice();
  if (parsed.cells.length === 0) failures.push(...parsed.notes);
  if (outcome.spec.asked !== undefined && tally.proposed < outcome.spec.asked) {
    failures.push(`asked for ${outcome.spec.asked} cells, got ${tally.proposed}`);
  }
  recorder.record(outcome, {
    parsed: { cells: parsed.cells.map((c) => c.slice()), accepted: tally.accepted, dropped, notes: parsed.notes, yield: tally },
    parseFailures: failures,
  });
  return failures;
}

function repairSpecs(
  outcomes: readonly CallOutcome[], problems: Map<CallOutcome, string[]>, accepted: readonly ProposedCell[], plan: ProposalPlan,
  prompts: LlamboPrompts, fitsWindow: (spec: CallSpec) => boolean,
): CallSpec[] {
  const needed = Math.min(plan.target - accepted.length, Math.max(1, 2 * (plan.minimum - accepted.length)));
  if (needed <= 0) return [];
  const wanted = oversampled(needed, plan.oversampling);
  const requests = Math.ceil(wanted / plan.maxPerReply);
  const conversations = outcomes.filter((o) => o.result && o.result.texts.length > 0);
  const excluded = accepted.slice(-MAX_EXCLUDED_CELLS).map((p) => cellOpsJson(p.cell));
  const excludedText = excluded.length === 0 ? '(none yet)' :
    excluded.join(', ') + (accepted.length > excluded.length ? ` and ${accepted.length - excluded.length} more` : '');
  const specs: CallSpec[] = [];
  for (let i = 0; i < requests; i++) {
    const count = Math.ceil(wanted / requests);
    // Each conversation is continued at most once: a second identical follow-up would be the same
    // request (same messages, same seed) and get the same cells back; extra requests start fresh.
    const base = i < conversations.length ? conversations[i] : undefined;
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
        { role: 'user', content: prompts.templates.render('repair', { problems: problemText, count, cellWord: cellWord(count), excluded: excludedText }) },
      ],
    };
    // The conversation carries the whole first prompt and its reply: past the window, ask afresh.
    specs.push(fitsWindow(followUp) ? followUp : plan.fresh(count, i));
  }
  return specs;
}
