/**
 * What "Start NAS study" asks when LLAMBO is chosen but no LLM endpoint is configured: store an API
 * key (hosted OpenAI-compatible API), point at a local server preset or a custom URL, or run the
 * baselines only. Writing settings and secrets is injected, so the flow is testable.
 */
import type { Prompter } from './prompter';

export interface LocalServerPreset {
  readonly label: string;
  readonly baseUrl: string;
  readonly detail: string;
}

export const LOCAL_SERVER_PRESETS: readonly LocalServerPreset[] = [
  { label: 'Ollama', baseUrl: 'http://localhost:11434/v1', detail: 'ollama serve (OpenAI-compatible /v1)' },
  { label: 'LM Studio', baseUrl: 'http://localhost:1234/v1', detail: 'LM Studio local server' },
  { label: 'vLLM', baseUrl: 'http://localhost:8000/v1', detail: 'vllm serve MODEL' },
];

/** Which settings file a value goes to: the user's, or this workspace's `.vscode/settings.json`. */
export type SettingsScope = 'user' | 'workspace';

export interface EndpointSetupActions {
  /** Asks for and stores an API key; true when one was stored. */
  askAndStoreApiKey(): Promise<boolean>;
  /** Writes llamboNas.llm.baseUrl into `scope` (undefined: the workspace's when one is open) and says where. */
  setBaseUrl(url: string, scope?: SettingsScope): Promise<void>;
}

export type EndpointSetupResult = 'configured' | 'baselinesOnly' | undefined;

/** An endpoint counts as configured when a base URL is set or an API key is stored (OpenAI default URL). */
export function hasLlmEndpoint(baseUrl: string, hasApiKey: boolean): boolean {
  return baseUrl !== '' || hasApiKey;
}

export async function setUpLlmEndpoint(prompter: Prompter, actions: EndpointSetupActions): Promise<EndpointSetupResult> {
  type Choice = { kind: 'key' } | { kind: 'preset'; preset: LocalServerPreset } | { kind: 'custom' } | { kind: 'baselines' };
  const choice = await prompter.pickOne<Choice>('LLAMBO needs an LLM endpoint', [
    { label: '$(key) Set API key...', detail: 'OpenAI or another hosted OpenAI-compatible API; stored in VS Code\'s secret storage', value: { kind: 'key' } },
    ...LOCAL_SERVER_PRESETS.map((preset) => ({ label: `$(server) ${preset.label}`, description: preset.baseUrl, detail: preset.detail, value: { kind: 'preset', preset } as Choice })),
    { label: '$(link) Custom URL...', detail: 'any OpenAI-compatible base URL (llama.cpp server, Azure, a proxy)', value: { kind: 'custom' } },
    { label: '$(debug-step-over) Run the baselines only', detail: 'leave LLAMBO out of this run', value: { kind: 'baselines' } },
  ], 'No llamboNas.llm.baseUrl and no API key yet');
  if (choice === undefined) return undefined;
  switch (choice.kind) {
    case 'key':
      return (await actions.askAndStoreApiKey()) ? 'configured' : undefined;
    case 'preset':
      await actions.setBaseUrl(choice.preset.baseUrl);
      return 'configured';
    case 'custom': {
      const url = await prompter.input({ title: 'OpenAI-compatible base URL', prompt: 'e.g. http://localhost:8080/v1', validate: validateBaseUrl });
      if (url === undefined) return undefined;
      // A workspace value shadows the user's later ones without a word: the user decides.
      const scope = await prompter.pickOne<SettingsScope>('Save the endpoint where?', [
        { label: '$(account) User settings', detail: 'every workspace uses this endpoint', value: 'user' },
        { label: '$(folder) Workspace settings', detail: 'only this workspace (.vscode/settings.json); it overrides the user setting here', value: 'workspace' },
      ], `llamboNas.llm.baseUrl = ${url.trim()}`);
      if (scope === undefined) return undefined;
      await actions.setBaseUrl(url.trim(), scope);
      return 'configured';
    }
    case 'baselines':
      return 'baselinesOnly';
  }
}

export function validateBaseUrl(text: string): string | undefined {
  try {
    const url = new URL(text.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? undefined : 'Use an http:// or https:// URL';
  } catch {
    return 'Not a URL';
  }
}
