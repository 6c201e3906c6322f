/**
 * The scripted OpenAI-compatible server the LLAMBO suites talk to, started inside the extension host
 * on 127.0.0.1:0 (a test double of the network, never an LLM), and the `llamboNas.llm.*` settings
 * that point the extension at it. Also: where the "LLAMBO NAS" output channel writes, and a recursive
 * file search, for the checks that the API key never lands on disk.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { FakeLlmServer, type FakeLlmHandle, type FakeResponder } from '../support/fakeLlmServer';
import { noiseReplier, serverResponder } from '../support/llmResponders';

export const FAKE_MODEL = 'fake-model';

/** Content-determined replies (valid cells, random predictions) at once. */
export const noiseResponder: FakeResponder = serverResponder(noiseReplier);

/**
 * The same replies, held until `release()` (an endpoint that answers as slowly as a test needs): a Stop
 * that ends the study while they are held cannot have waited for them. `released` counts replies let go.
 */
export function heldResponder(): { responder: FakeResponder; release(): void; readonly released: number } {
  const held: (() => void)[] = [];
  let released = 0;
  let open = false;
  const responder: FakeResponder = async (body, index, request) => {
    if (!open) await new Promise<void>((resolve) => held.push(resolve));
    released++;
    return noiseResponder(body, index, request);
  };
  return {
    responder,
    release: () => {
      open = true;
      for (const resolve of held.splice(0)) resolve();
    },
    get released() {
      return released;
    },
  };
}

const LLM_SETTINGS: Record<string, unknown> = {
  'llm.model': FAKE_MODEL,
  // The defaults (60 requests per minute) would make a test study wait minutes.
  'llm.requestsPerMinute': 1_000_000,
  'llm.tokensPerMinute': 1_000_000_000,
  'llm.concurrency': 8,
};

export async function startTestEndpoint(): Promise<FakeLlmHandle> {
  const server = await new FakeLlmServer(noiseResponder).start();
  const config = vscode.workspace.getConfiguration('llamboNas');
  await config.update('llm.baseUrl', server.baseUrl, vscode.ConfigurationTarget.Workspace);
  for (const [key, value] of Object.entries(LLM_SETTINGS)) await config.update(key, value, vscode.ConfigurationTarget.Workspace);
  return server;
}

export async function stopTestEndpoint(server: FakeLlmHandle | undefined): Promise<void> {
  const config = vscode.workspace.getConfiguration('llamboNas');
  for (const key of ['llm.baseUrl', ...Object.keys(LLM_SETTINGS), 'promptsFolder']) {
    await config.update(key, undefined, vscode.ConfigurationTarget.Workspace);
  }
  await server?.close();
}

/** Every file below `dir` (recursively). */
export function filesBelow(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesBelow(path) : [path];
  });
}

/** Files below `dir` whose text contains `needle`. */
export function filesContaining(dir: string, needle: string): string[] {
  return filesBelow(dir).filter((file) => statSync(file).size < 64 << 20 && readFileSync(file, 'utf8').includes(needle));
}

/** The log files of this extension's output channels (LogOutputChannel writes beside context.logUri). */
export function extensionLogFiles(context: vscode.ExtensionContext): string[] {
  const dir = context.logUri.fsPath;
  return [...filesBelow(dir), ...filesBelow(dirname(dir)).filter((f) => f.includes('LLAMBO NAS'))]
    .filter((file, i, all) => file.endsWith('.log') && all.indexOf(file) === i);
}

export function jsonLines<T = Record<string, unknown>>(file: string): T[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as T);
}
