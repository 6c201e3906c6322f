/**
 * The LLM API key lives only in VS Code's SecretStorage; a context key (`llamboNas.hasApiKey`) lets
 * menus and walkthrough steps depend on whether one is set. The key itself is never logged, put in
 * settings, events or exports: callers receive it only to hand it to the worker in memory. Each LLM
 * profile (`llamboNas.llm.profiles`) has its own key beside the default endpoint's.
 */
import type * as vscode from 'vscode';

export const API_KEY_SECRET = 'llamboNas.llm.apiKey';
export const HAS_API_KEY_CONTEXT = 'llamboNas.hasApiKey';
/** Where an LLM study sends its requests when llamboNas.llm.baseUrl is empty (the study spec's default). */
const DEFAULT_ENDPOINT = 'https://api.openai.com/v1';

/** The confirmation after "Set API key": where the key went and where it will be sent; never the key. */
export function apiKeyStoredMessage(baseUrl: string): string {
  const endpoint = baseUrl === '' ? `${DEFAULT_ENDPOINT} (llamboNas.llm.baseUrl is not set)` : baseUrl;
  return `API key stored in VS Code's secret storage (${API_KEY_SECRET}); LLAMBO studies send it to ${endpoint}. It is never written to settings, logs or exports.`;
}

/** The confirmation after "Clear API key". */
export function apiKeyClearedMessage(hadKey: boolean): string {
  return hadKey
    ? `API key removed from VS Code's secret storage (${API_KEY_SECRET}); LLAMBO studies now run without one.`
    : `No API key was stored in VS Code's secret storage (${API_KEY_SECRET}); nothing to clear.`;
}

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

  /** Removes the key; resolves with whether there was one. */
  async clear(): Promise<boolean> {
    const had = (await this.get()) !== undefined;
    await this.secrets.delete(API_KEY_SECRET);
    await this.setContext(HAS_API_KEY_CONTEXT, false);
    return had;
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
