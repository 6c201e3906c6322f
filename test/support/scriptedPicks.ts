import type { InputOptions, PickItem, Prompter } from '../../src/extension/prompter';

/** A Prompter for unit tests without VS Code: answers each question from the script by title; records what was asked. */
export class ScriptedPicks implements Prompter {
  readonly asked: { title: string; items: readonly PickItem<unknown>[] }[] = [];
  constructor(private readonly answers: Record<string, (items: readonly PickItem<unknown>[]) => unknown>) {}
  async pickOne<T>(title: string, items: readonly PickItem<T>[]): Promise<T | undefined> {
    this.asked.push({ title, items });
    const answer = this.answers[title];
    if (!answer) throw new Error(`unexpected question "${title}"`);
    return answer(items) as T | undefined;
  }
  async pickMany<T>(title: string, items: readonly PickItem<T>[]): Promise<T[] | undefined> {
    return this.pickOne(title, items) as Promise<T[] | undefined>;
  }
  async input(options: InputOptions): Promise<string | undefined> {
    return this.pickOne(options.title, []) as Promise<string | undefined>;
  }
}
