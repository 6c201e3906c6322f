/**
 * What the integration tests share: the activated extension's API, a scripted Prompter, and waiting
 * for a condition with a deadline. Only types come from src/ (each test bundle gets the extension's
 * live objects through the API, never a second copy of its code).
 */
import * as vscode from 'vscode';
import type { LlamboNasApi } from '../../src/extension/extension';
import type { InputOptions, PickItem, Prompter } from '../../src/extension/prompter';

export const EXTENSION_ID = 'llambo-nas.llambo-nas';

export async function activateExtension(): Promise<LlamboNasApi> {
  const extension = vscode.extensions.getExtension<LlamboNasApi>(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} is not installed in this host`);
  return extension.activate();
}

/**
 * How long a wait may take before it counts as a hang: a guard against a stuck host, never a claim about
 * speed (a test run beside `npm install` timed out at the 10 s this used to be).
 */
export const HANG_GUARD_MS = 60_000;

/** Polls `condition` every 20 ms until it is truthy; fails after `timeoutMs` (a hang guard). */
export async function waitFor<T>(what: string, condition: () => T | undefined | false, timeoutMs = HANG_GUARD_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** One scripted answer: picks the item whose value matches, or types text; undefined = dismiss. */
export type ScriptedAnswer =
  | { readonly pick: (value: unknown) => boolean }
  | { readonly pickMany: (value: unknown) => boolean }
  | { readonly type: string }
  | undefined;

/** A Prompter that answers from a script and records every question (title and item labels). */
export class ScriptedPrompter implements Prompter {
  readonly asked: { title: string; items: { label: string; description?: string }[] }[] = [];

  constructor(private readonly answers: ScriptedAnswer[]) {}

  async pickOne<T>(title: string, items: readonly PickItem<T>[]): Promise<T | undefined> {
    this.asked.push({ title, items: items.map((i) => ({ label: i.label, description: i.description })) });
    const answer = this.next(title);
    if (answer === undefined) return undefined;
    if (!('pick' in answer)) throw new Error(`question "${title}" wants one pick, the script has ${JSON.stringify(answer)}`);
    const item = items.find((i) => answer.pick(i.value));
    if (!item) throw new Error(`no item of "${title}" matches the script (items: ${items.map((i) => i.label).join(', ')})`);
    return item.value;
  }

  async pickMany<T>(title: string, items: readonly PickItem<T>[]): Promise<T[] | undefined> {
    this.asked.push({ title, items: items.map((i) => ({ label: i.label, description: i.description })) });
    const answer = this.next(title);
    if (answer === undefined) return undefined;
    if (!('pickMany' in answer)) throw new Error(`question "${title}" wants several picks`);
    return items.filter((i) => answer.pickMany(i.value)).map((i) => i.value);
  }

  async input(options: InputOptions): Promise<string | undefined> {
    this.asked.push({ title: options.title, items: [] });
    const answer = this.next(options.title);
    if (answer === undefined) return undefined;
    if (!('type' in answer)) throw new Error(`question "${options.title}" wants text`);
    const problem = options.validate?.(answer.type);
    if (problem) throw new Error(`"${answer.type}" rejected by "${options.title}": ${problem}`);
    return answer.type;
  }

  get remaining(): number {
    return this.answers.length;
  }

  private next(title: string): ScriptedAnswer {
    if (this.answers.length === 0) throw new Error(`unexpected question "${title}" (script exhausted)`);
    return this.answers.shift();
  }
}

/** Runs `body` with a scripted prompter in place of the real one. */
export async function withPrompter<T>(api: LlamboNasApi, prompter: Prompter, body: () => Promise<T>): Promise<T> {
  const previous = api.services.prompter;
  api.services.prompter = prompter;
  try {
    return await body();
  } finally {
    api.services.prompter = previous;
  }
}
