/**
 * What the command handlers share, built once in activate(): the study registry, the panels, the
 * status bar, the log, the key store, the prompter and a settings reader. Handlers take this object
 * instead of reaching for globals, so tests can swap the prompter.
 */
import type * as vscode from 'vscode';
import type { ApiKeyStore } from './apiKeyStore';
import type { SettingsScope } from './llmEndpointSetup';
import type { NasSettings } from './nasSettings';
import type { Prompter } from './prompter';
import type { StudyPanels } from './studyPanels';
import type { StudyRegistry } from './studyRegistry';
import type { StudyPlanRuns } from './studyPlanRun';
import type { StudyStatusBar } from './studyStatusBar';
import type { StudiesTreeProvider } from './studiesTreeView';
import type { StartTimeline } from './startTimeline';

export interface NasServices {
  readonly context: vscode.ExtensionContext;
  readonly registry: StudyRegistry;
  readonly panels: StudyPanels;
  readonly statusBar: StudyStatusBar;
  readonly studiesTree: StudiesTreeProvider;
  /** The multi-study plans running now (Stop study may stop a whole plan). */
  readonly plans: StudyPlanRuns;
  readonly log: vscode.LogOutputChannel;
  readonly apiKeys: ApiKeyStore;
  /** Replaceable so integration tests can script the quick picks. */
  prompter: Prompter;
  settings(): NasSettings;
  /**
   * Writes `llamboNas.<key>` into `scope` (undefined: the workspace's settings when a folder is open,
   * else the user's); resolves with where it went, e.g. "User settings".
   */
  updateSetting(key: string, value: unknown, scope?: SettingsScope): Promise<string>;
  /** The table new studies run on: the setting, else the imported exact table, else the bundled one. */
  tablePath(): string;
  /** Folder for new exports when the user accepts the default: `<workspace>/nas-results`. */
  readonly resultsRoot: string;
  /** The first workspace folder, when one is open (relative setting paths are taken from it). */
  readonly workspaceDir: string | undefined;
  /** A timeline of one "Start NAS study", from the pick to the first result in the panel (startTimeline.ts). */
  startTimeline(): StartTimeline;
}
