/**
 * Entry point of the extension (bundled to dist/extension.js): builds the services, registers the
 * "NAS" commands, the "NAS Studies" view, the status bar item and the panel serializer. Studies run
 * in worker threads (dist/worker.js); this host only relays their events and persists nothing itself.
 */
import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { ApiKeyStore } from './apiKeyStore';
import { COMMAND_IDS } from './commandIds';
import { exportResultsCommand, type ExportArgs } from './exportCommand';
import { NasDocumentProvider } from './nasDocumentProvider';
import { NAS_DOCUMENT_SCHEME } from './nasDocumentUris';
import type { NasServices } from './nasServices';
import { readNasSettings, SETTINGS_SECTION } from './nasSettings';
import { BUILT_IN_PROMPT_SCHEME, BuiltInPromptProvider, openPromptTemplatesCommand, shippedPromptsDir } from './promptTemplatesCommand';
import { VsCodePrompter } from './prompter';
import { STUDY_PANEL_VIEW_TYPE } from './studyPanel';
import { StudyPanels } from './studyPanels';
import { StudiesTreeProvider, STUDIES_VIEW_ID } from './studiesTreeView';
import {
  askAndStoreApiKey, clearApiKeyCommand, compareSearchersCommand, openStudyCommand, setProfileApiKeyCommand, startStudyCommand, stopStudyCommand,
  type StartStudyArgs, type StopStudyArgs,
} from './studyCommands';
import { STUDIES_FOLDER, StudyRegistry } from './studyRegistry';
import { threadSpawner } from './studyWorkerPool';
import { resumeStudyCommand, type ResumeStudyArgs } from './studyResumeCommand';
import { StudyPlanRuns } from './studyPlanRun';
import { StudyStatusBar } from './studyStatusBar';
import { bundledTablePath, importedTablePath, importTableCommand } from './tableImportCommand';
import { StartTimeline } from './startTimeline';

/** What activate() returns: the services, for the integration tests and other extensions. */
export interface LlamboNasApi {
  readonly services: NasServices;
}

let registry: StudyRegistry | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<LlamboNasApi> {
  const log = vscode.window.createOutputChannel('LLAMBO NAS', { log: true });
  const workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const home = workspace ?? context.globalStorageUri.fsPath;
  registry = new StudyRegistry(join(home, STUDIES_FOLDER), threadSpawner(join(context.extensionPath, 'dist', 'worker.js')));
  const apiKeys = new ApiKeyStore(context.secrets, (key, value) => vscode.commands.executeCommand('setContext', key, value));
  const plans = new StudyPlanRuns();
  const statusBar = new StudyStatusBar((studyId) => plans.positionOf(studyId));
  const settings = () => readNasSettings((key) => vscode.workspace.getConfiguration(SETTINGS_SECTION).get(key));
  // The panel actions run only after activation, when `services` exists.
  const panels = new StudyPanels(context.extensionUri, registry, {
    exportStudy: (session) => exportResultsCommand(services, { studyId: session.id }),
    resumeStudy: (session) => resumeStudyCommand(services, { studyId: session.id }),
    resultsFolder: (studyId) => join(services.resultsRoot, studyId),
  });
  const studiesTree = new StudiesTreeProvider(registry);
  const services: NasServices = {
    context, registry, log, apiKeys, statusBar, settings, panels, studiesTree, plans,
    prompter: new VsCodePrompter(),
    resultsRoot: join(home, 'nas-results'),
    workspaceDir: workspace,
    updateSetting: async (key, value, scope) => {
      const toWorkspace = scope === undefined ? workspace !== undefined : scope === 'workspace';
      await vscode.workspace.getConfiguration(SETTINGS_SECTION)
        .update(key, value, toWorkspace ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);
      return toWorkspace ? `Workspace settings (${join(workspace ?? '', '.vscode', 'settings.json')})` : 'User settings';
    },
    tablePath: () => {
      const configured = settings().tablePath;
      if (configured !== '') return configured;
      const imported = importedTablePath(context);
      return existsSync(imported) ? imported : bundledTablePath(context.extensionPath);
    },
    startTimeline: () => new StartTimeline((timings, line) => {
      log.debug(`start timings: ${line}`);
      // For the UI smoke: a file to append each start's marks to (never set for users).
      const file = process.env.LLAMBO_NAS_START_TIMINGS;
      if (file) appendFileSync(file, JSON.stringify(timings) + '\n');
    }),
  };

  const command = (id: string, handler: (...args: never[]) => unknown) =>
    vscode.commands.registerCommand(id, (...args: never[]) => report(log, id, () => handler(...args), args.length > 0));
  context.subscriptions.push(
    log, statusBar, panels, studiesTree, { dispose: () => registry?.dispose() },
    vscode.window.registerWebviewPanelSerializer(STUDY_PANEL_VIEW_TYPE, panels),
    vscode.window.createTreeView(STUDIES_VIEW_ID, { treeDataProvider: studiesTree, showCollapseAll: false }),
    vscode.workspace.registerTextDocumentContentProvider(BUILT_IN_PROMPT_SCHEME, new BuiltInPromptProvider(shippedPromptsDir(context.extensionPath))),
    vscode.workspace.registerTextDocumentContentProvider(NAS_DOCUMENT_SCHEME, new NasDocumentProvider((studyId) => registry?.get(studyId)?.events)),
    command(COMMAND_IDS.startStudy, (args?: StartStudyArgs) => startStudyCommand(services, args)),
    command(COMMAND_IDS.stopStudy, (args?: StopStudyArgs | string) => stopStudyCommand(services, stopArgs(args))),
    command(COMMAND_IDS.openStudy, (studyId?: unknown) => openStudyCommand(services, studyIdArgument(studyId))),
    command(COMMAND_IDS.resumeStudy, (args?: ResumeStudyArgs | string) => resumeStudyCommand(services, resumeArgs(args))),
    command(COMMAND_IDS.compareSearchers, () => compareSearchersCommand(services)),
    command(COMMAND_IDS.exportResults, (args?: ExportArgs | string) => exportResultsCommand(services, exportArgs(args))),
    command(COMMAND_IDS.setApiKey, () => askAndStoreApiKey(services)),
    command(COMMAND_IDS.setProfileApiKey, (name?: string) => setProfileApiKeyCommand(services, name)),
    command(COMMAND_IDS.clearApiKey, () => clearApiKeyCommand(services)),
    command(COMMAND_IDS.importTable, () => importTableCommand(services)),
    command(COMMAND_IDS.openPromptTemplates, () => openPromptTemplatesCommand(services)),
    command(COMMAND_IDS.refreshStudies, () => registry?.refresh()),
    apiKeys.onDidChange(() => void apiKeys.refreshContext()),
  );
  // Not awaited: a command that activated the extension (Start NAS study) need not wait for two round trips to the window.
  apiKeys.refreshContext().catch((error: unknown) => log.warn(`the llamboNas.hasApiKey context was not set: ${String(error)}`));
  log.info(`activated; studies in ${registry.root}`);
  return { services };
}

export function deactivate(): void {
  // Workers die with the extension host anyway; terminating them first closes their files cleanly.
  registry?.dispose();
  registry = undefined;
}

/** Tree items pass their element (the study id) as the first argument; the palette passes nothing. */
function studyIdArgument(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Tree items and the status bar pass the study id; scripts may pass `{ studyId, scope }`. */
function stopArgs(value: StopStudyArgs | string | undefined): StopStudyArgs {
  return typeof value === 'string' ? { studyId: value } : value ?? {};
}

/** The tree's Resume item passes `{ studyId }`; scripts may pass the bare id. */
function resumeArgs(value: ResumeStudyArgs | string | undefined): ResumeStudyArgs {
  return typeof value === 'string' ? { studyId: value } : value ?? {};
}

function exportArgs(value: ExportArgs | string | undefined): ExportArgs {
  return typeof value === 'string' ? { studyId: value } : value ?? {};
}

/**
 * Logs and shows a command's failure; passes results through. Calls with arguments (scripts, tests,
 * tree items) also get the rejection; palette calls do not, or VS Code would show the error twice.
 */
async function report<T>(log: vscode.LogOutputChannel, id: string, run: () => T | Promise<T>, rethrow: boolean): Promise<T | undefined> {
  try {
    return await run();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.error(`${id}: ${message}`);
    void vscode.window.showErrorMessage(message);
    if (rethrow) throw error;
    return undefined;
  }
}
