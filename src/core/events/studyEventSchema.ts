/**
 * The zod schema of every study event, for reading `events.jsonl` back: a line that does not fit is
 * a corrupt (or foreign) log, and the reader names it. The schema and the event types in
 * studyEvents.ts are held together by the compiler (see the check at the end of this file), so
 * neither can change without the other. Built on first use: only readers of a log need it, while every
 * study process loads this module (building it costs a cold process several milliseconds).
 */
import * as z from 'zod';
import type { StudyEvent } from './studyEvents';

function buildStudyEventSchema() {
  const count = z.int().min(0);
  const base = { seq: count, time: z.number().min(0) };
  const errorOrNull = z.number().nullable();

  const studyStarted = z.object({
    ...base, type: z.literal('studyStarted'), studyId: z.string(), spec: z.unknown(),
    table: z.object({ label: z.string(), kind: z.string(), provenanceNote: z.string() }),
    optimumError: z.number(),
  });

  const trialStarted = z.object({
    ...base, type: z.literal('trialStarted'), trialId: count, arch: z.string(), ops: z.array(count).readonly(),
    isoClass: count.optional(), finalErrorMean: z.number().optional(), bracket: count, untilEpoch: count, seed: count,
    fallback: z.boolean().optional(), info: z.record(z.string(), z.unknown()).optional(),
  });

  const trialResumed = z.object({ ...base, type: z.literal('trialResumed'), trialId: count, bracket: count, fromEpoch: count, untilEpoch: count });
  const trialPaused = z.object({ ...base, type: z.literal('trialPaused'), trialId: count, epoch: count });
  const trialStopped = z.object({
    ...base, type: z.literal('trialStopped'), trialId: count, epoch: count,
    reason: z.enum(['completed', 'notPromoted', 'budget', 'failed']),
  });

  const result = z.object({
    ...base, type: z.literal('result'), trialId: count, epoch: count, error: errorOrNull, seed: count,
    elapsed: z.number(), runtime: z.number(),
  });

  const rungCompleted = z.object({
    ...base, type: z.literal('rungCompleted'), bracket: count, rung: count, level: count,
    ranking: z.array(z.object({ trialId: count, error: errorOrNull })).readonly(),
    promoted: z.array(count).readonly(),
  });

  const bracketOpened = z.object({
    ...base, type: z.literal('bracketOpened'), bracket: count, bracketType: count,
    rungs: z.array(z.object({ level: count, slots: count })).readonly(),
  });

  const incumbentChanged = z.object({
    ...base, type: z.literal('incumbentChanged'), trialId: count, epoch: count, error: z.number(), arch: z.string(),
  });

  const fallback = z.object({ ...base, type: z.literal('fallback'), message: z.string(), trialId: count.optional(), detail: z.unknown().optional() });
  const searcherInfo = z.object({ ...base, type: z.literal('searcherInfo'), message: z.string(), detail: z.unknown().optional() });

  const llmCall = z.object({
    ...base, type: z.literal('llmCall'), callId: z.string(),
    component: z.enum(['warmstart', 'sampler', 'surrogate', 'repair']),
    template: z.string(),
    messages: z.array(z.object({ role: z.string(), content: z.string() })).readonly(),
    reply: z.string().nullable(),
    parsed: z.unknown().optional(),
    parseFailures: z.array(z.string()).readonly().optional(),
    usage: z.object({ promptTokens: count, completionTokens: count, cachedTokens: count }).optional(),
    latencySeconds: z.number().optional(),
    costUsd: z.number().optional(),
    cacheHit: z.boolean().optional(),
    retries: count.optional(),
    error: z.string().optional(),
    trialIds: z.array(count).readonly().optional(),
  });

  const progress = z.object({
    ...base, type: z.literal('progress'), fraction: z.number(), trialsStarted: count, resultsReported: count, bestError: errorOrNull,
  });

  const studyFinished = z.object({
    ...base, type: z.literal('studyFinished'), reason: z.enum(['budget', 'maxTrials', 'llmBudget', 'cancelled']),
    trialsStarted: count, resultsReported: count, bestError: errorOrNull, bestErrorAtMax: errorOrNull,
    incumbentArch: z.string().nullable(),
    delay: z.object({
      mode: z.enum(['measured', 'modelled']), prefetch: z.boolean(),
      llmSeconds: z.number().min(0), chargedSeconds: z.number().min(0), idleWorkerSeconds: z.number().min(0), idleShare: z.number().min(0),
    }).optional(),
  });

  const studyError = z.object({ ...base, type: z.literal('studyError'), message: z.string() });

  return z.discriminatedUnion('type', [
    studyStarted, trialStarted, trialResumed, trialPaused, trialStopped, result, rungCompleted, bracketOpened,
    incumbentChanged, fallback, searcherInfo, llmCall, progress, studyFinished, studyError,
  ]);
}

type StudyEventSchema = ReturnType<typeof buildStudyEventSchema>;
let schema: StudyEventSchema | undefined;
let knownTypes: ReadonlySet<string> | undefined;

export function studyEventSchema(): StudyEventSchema {
  return schema ??= buildStudyEventSchema();
}

/** Every event type the schema knows (for the reader's "unknown event type" message). */
export function knownEventTypes(): ReadonlySet<string> {
  return knownTypes ??= new Set(studyEventSchema().options.map((option) => option.shape.type.value));
}

type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Fails to compile when the schema and the StudyEvent types disagree. */
export const SCHEMA_MATCHES_EVENT_TYPES: Equal<z.output<StudyEventSchema>, StudyEvent> = true;
