/**
 * The questions the commands ask the user (quick picks and input boxes), behind an interface so the
 * flows can be tested with scripted answers. `VsCodePrompter` is the one adapter to the real API.
 */
import * as vscode from 'vscode';

export interface PickItem<T> {
  readonly label: string;
  readonly description?: string;
  readonly detail?: string;
  readonly picked?: boolean;
  readonly value: T;
}

export interface InputOptions {
  readonly title: string;
  readonly prompt?: string;
  readonly value?: string;
  readonly password?: boolean;
  /** A message when the text is not acceptable, else undefined. */
  readonly validate?: (text: string) => string | undefined;
}

/** Every method resolves to undefined when the user dismisses the question. */
export interface Prompter {
  pickOne<T>(title: string, items: readonly PickItem<T>[], placeholder?: string): Promise<T | undefined>;
  pickMany<T>(title: string, items: readonly PickItem<T>[], placeholder?: string): Promise<T[] | undefined>;
  input(options: InputOptions): Promise<string | undefined>;
}

type ValueItem<T> = vscode.QuickPickItem & { value: T };

function toQuickPickItems<T>(items: readonly PickItem<T>[]): ValueItem<T>[] {
  return items.map((item) => ({ label: item.label, description: item.description, detail: item.detail, picked: item.picked, value: item.value }));
}

export class VsCodePrompter implements Prompter {
  async pickOne<T>(title: string, items: readonly PickItem<T>[], placeholder?: string): Promise<T | undefined> {
    const picked = await vscode.window.showQuickPick(toQuickPickItems(items), { title, placeHolder: placeholder, ignoreFocusOut: true });
    return picked?.value;
  }

  async pickMany<T>(title: string, items: readonly PickItem<T>[], placeholder?: string): Promise<T[] | undefined> {
    const picked = await vscode.window.showQuickPick(toQuickPickItems(items), { title, placeHolder: placeholder, canPickMany: true, ignoreFocusOut: true });
    return picked?.map((item) => item.value);
  }

  async input(options: InputOptions): Promise<string | undefined> {
    return vscode.window.showInputBox({
      title: options.title, prompt: options.prompt, value: options.value, password: options.password,
      ignoreFocusOut: true, validateInput: options.validate,
    });
  }
}
