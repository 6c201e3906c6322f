/**
 * Builds a searcher by name. Adding one (e.g. LLAMBO) is one entry in SEARCHER_FACTORIES; its
 * factory receives the study's options bag and picks the keys it understands.
 */
import * as z from 'zod';
import { dehbOptionsSchema, DehbSearcher } from './dehbSearcher';
import { KdeSearcher } from './kdeSearcher';
import { LocalSearcher } from './localSearcher';
import { MobsterSearcher, mobsterOptionsSchema } from './mobsterSearcher';
import { RandomSearcher } from './randomSearcher';
import { RegularizedEvolutionSearcher } from './regularizedEvolution';
import type { LlmChat } from '../llambo/llmChat';
import { llamboOptionsFrom } from '../llambo/llamboOptions';
import { createLlamboSearcher } from './llamboSearcher';
import type { Searcher } from './searcher';
import { WarmStartedSearcher } from './warmStartedSearcher';
import { BOHB_LLAMBO_ALIAS, WARM_STARTED_SEARCHERS, warmStartBase, type WarmStartable, type WarmStartedName } from './warmStartNames';

/** Searcher settings as plain JSON (from the study spec); unknown keys are ignored. */
export type SearcherOptions = Readonly<Record<string, unknown>>;

/** What a searcher may need beyond its options: an LLM to talk to and a cancellation signal. */
export interface SearcherDeps {
  readonly chat?: LlmChat;
  readonly signal?: AbortSignal;
}

export type SearcherFactory = (options: SearcherOptions, deps: SearcherDeps) => Searcher;

const kdeOptionsSchema = z.object({
  topNPercent: z.number(),
  numCandidates: z.number(),
  randomFraction: z.number(),
  minBandwidth: z.number(),
  minPointsInModel: z.number(),
}).partial();

const evolutionOptionsSchema = z.object({
  populationSize: z.number(),
  sampleSize: z.number(),
}).partial();

/** The searchers that start from random designs, each of which can also start from LLAMBO's warm start. */
const BASELINE_FACTORIES = {
  random: () => new RandomSearcher(),
  bohb: (options) => new KdeSearcher(parseOptions('bohb', kdeOptionsSchema, options)),
  rea: (options) => new RegularizedEvolutionSearcher(parseOptions('rea', evolutionOptionsSchema, options)),
  local: () => new LocalSearcher(),
  mobster: (options) => new MobsterSearcher(parseOptions('mobster', mobsterOptionsSchema, options)),
  dehb: (options) => new DehbSearcher(parseOptions('dehb', dehbOptionsSchema, options)),
} satisfies Record<WarmStartable, SearcherFactory>;

const WARM_STARTED_FACTORIES = Object.fromEntries(
  WARM_STARTED_SEARCHERS.map((name) => [name, warmStartedFactory(name)]),
) as Record<WarmStartedName, SearcherFactory>;

export const SEARCHER_FACTORIES = {
  ...BASELINE_FACTORIES,
  llambo: (options, deps) => createLlamboSearcher(options, { chat: requireChat('llambo', deps), signal: deps.signal }),
  [BOHB_LLAMBO_ALIAS]: warmStartedFactory(BOHB_LLAMBO_ALIAS),
  ...WARM_STARTED_FACTORIES,
} satisfies Record<string, SearcherFactory>;

export type FactorySearcherName = keyof typeof SEARCHER_FACTORIES;

export function isFactorySearcherName(name: string): name is FactorySearcherName {
  return Object.hasOwn(SEARCHER_FACTORIES, name);
}

/** A new, unconfigured searcher; throws on an unknown name or a mistyped option. */
export function createSearcher(name: FactorySearcherName, options: SearcherOptions = {}, deps: SearcherDeps = {}): Searcher {
  if (!isFactorySearcherName(name)) {
    throw new Error(`unknown searcher "${name}" (known: ${Object.keys(SEARCHER_FACTORIES).join(', ')})`);
  }
  const factory: SearcherFactory = SEARCHER_FACTORIES[name];
  return factory(options, deps);
}

function parseOptions<T>(searcher: string, schema: z.ZodType<T>, options: SearcherOptions): T {
  const parsed = schema.safeParse(options, { jitless: true }); // parsed once: no compiled fast path
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`${searcher} options: ${issues}`);
  }
  return parsed.data;
}

function requireChat(searcher: string, deps: SearcherDeps): LlmChat {
  if (!deps.chat) {
    throw new Error(`${searcher} needs an LLM endpoint: set llm.baseUrl and llm.model in the spec ` +
      '(CLI: --llm-base-url URL --model NAME, key in OPENAI_API_KEY)');
  }
  return deps.chat;
}

/** The baseline of a warm-started name, wrapped so that its first cells are LLAMBO's warm-start cells. */
function warmStartedFactory(name: WarmStartedName | typeof BOHB_LLAMBO_ALIAS): SearcherFactory {
  const baseline: SearcherFactory = BASELINE_FACTORIES[warmStartBase(name) as WarmStartable];
  return (options, deps) => new WarmStartedSearcher(name, baseline(options, deps), {
    chat: requireChat(name, deps), signal: deps.signal, count: warmStartCount(options), options: llamboOptionsFrom(options),
  });
}

function warmStartCount(options: SearcherOptions): number {
  const n = options.nInit;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : 8;
}
