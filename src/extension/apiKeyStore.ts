/**
 * The LLM API key lives only in VS Code's SecretStorage; a context key (`llamboNas.hasApiKey`) lets
 * menus and walkthrough steps depend on whether one is set. The key itself is never logged, put in
 * settings, events or exports: callers receive it only to hand it to the worker in memory. Each LLM
 * profile (`llamboNas.llm.profiles`) has its own key beside the default endpoint's.
 */
import type * as vscode from 'vscode';

export const API_KEY_SECRET = 'llamboNas.llm.apiKey';
export const HAS_API_KEY_CONTEXT = 'llamboNas.hasApiKey';
/** SecretStorage name of a profile's key. */
export const profileKeySecret = (profile: string) => `llamboNas.llm.profileKey.${profile}`;

/** Sets a context key (the `setContext` command), injected so tests can observe it. */
export type ContextKeySetter = (key: string, value: unknown) => Thenable<unknown>;

export class ApiKeyStore {
  constructor(private readonly secrets: vscode.SecretStorage, private readonly setContext: ContextKeySetter) {}

  async get(): Promise<string | undefined> {
    const key = await this.secrets.get(API_KEY_SECRET);
    return key === undefined || key === '' ? undefined : key;
  }

  async set(key: string): Promise<void> {
    const trimmed = key.trim();
    if (trimmed === '') throw new Error('An empty API key cannot be stored.');
    await this.secrets.store(API_KEY_SECRET, trimmed);
    await this.setContext(HAS_API_KEY_CONTEXT, true);
  }

  async clear(): Promise<void> {
    await this.secrets.delete(API_KEY_SECRET);
    await this.setContext(HAS_API_KEY_CONTEXT, false);
  }

  /** The key of an LLM profile, or undefined when none was stored (a local server needs none). */
  async getForProfile(profile: string): Promise<string | undefined> {
    const key = await this.secrets.get(profileKeySecret(profile));
    return key === undefined || key === '' ? undefined : key;
  }

  async setForProfile(profile: string, key: string): Promise<void> {
    const trimmed = key.trim();
    if (trimmed === '') throw new Error('An empty API key cannot be stored.');
    await this.secrets.store(profileKeySecret(profile), trimmed);
  }

  async clearForProfile(profile: string): Promise<void> {
    await this.secrets.delete(profileKeySecret(profile));
  }

  /** The key a study's spec calls for: its profile's, else the default endpoint's. */
  keyForProfile(profile: string | undefined): Promise<string | undefined> {
    return profile === undefined ? this.get() : this.getForProfile(profile);
  }

  /** Brings the context key in line with the store (at activation, and when another window changed it). */
  async refreshContext(): Promise<boolean> {
    const has = (await this.get()) !== undefined;
    await this.setContext(HAS_API_KEY_CONTEXT, has);
    return has;
  }

  onDidChange(listener: () => void): vscode.Disposable {
    return this.secrets.onDidChange((event) => {
      if (event.key === API_KEY_SECRET) listener();
    });
  }
}
