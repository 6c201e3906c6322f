/**
 * The extension host's side of the panel, for the Chromium tests: what src/extension/studyPanel.ts
 * does with the panel messages of src/protocol.ts. On webview/ready it folds the study's
 * events with PanelModelBuilder and sends panel/model (then the theme); afterwards new events become
 * panel/delta; it answers the LLM text and search requests from the builder, writes saved files into
 * a temp folder, and records commands (copy, open as editor tab, open cell, resume).
 */
import type { Page } from 'playwright-core';
import type { IncumbentRun } from '../../src/core/panel/incumbentSeries';
import { llmCallClipboardText, llmCallMarkdown } from '../../src/core/panel/llmCallMarkdown';
import { PanelModelBuilder } from '../../src/core/panel/panelModelBuilder';
import type { StudyEvent } from '../../src/core/events/studyEvents';
import { StudyHeadlineFold } from '../../src/extension/studyHeadline';
import type { HostToWebviewMessage, SaveFileParams, StudyHeadline, StudyStatus, WebviewToHostMessage } from '../../src/protocol';

export interface FakePanelHostOptions {
  readonly companions?: readonly IncumbentRun[];
  readonly isoClassOf?: (ops: readonly number[]) => number;
  /** Send panel/model as soon as the webview is ready (off: the test sends it, e.g. to time the first paint). */
  readonly autoSnapshot?: boolean;
  /** A status no event records, set on the folded headline as the real host does (e.g. an interrupted log read from disk). */
  readonly status?: { readonly status: StudyStatus; readonly message: string };
}

export class FakePanelHost {
  readonly received: WebviewToHostMessage[] = [];
  readonly savedFiles: SaveFileParams[] = [];
  readonly commands: WebviewToHostMessage[] = [];
  /** What copy put on the clipboard and what "open as editor tab" opened (vscode.env.clipboard, a read-only llambo-nas: Markdown document). */
  readonly clipboard: string[] = [];
  readonly openedDocuments: string[] = [];
  builder: PanelModelBuilder;
  private headlineFold: StudyHeadlineFold;
  private readyCount = 0;
  /** Milliseconds the last fold of all events and snapshot took (host-side cost of opening the panel). */
  lastSnapshotMs = 0;

  constructor(private readonly page: Page, private events: StudyEvent[], private readonly options: FakePanelHostOptions = {}) {
    this.builder = this.newBuilder();
    this.headlineFold = new StudyHeadlineFold(studyIdOf(events));
  }

  async attach(): Promise<void> {
    await this.page.exposeFunction('__toHost', (message: unknown) => { void this.receive(message as WebviewToHostMessage); });
  }

  get readies(): number {
    return this.readyCount;
  }

  get headline(): StudyHeadline {
    return this.headlineFold.current;
  }

  /** Folds every event so far and returns the panel/model message (what the host sends after ready). */
  modelMessage(): HostToWebviewMessage {
    const started = performance.now();
    this.builder = this.newBuilder();
    this.builder.add(this.events);
    this.headlineFold = new StudyHeadlineFold(studyIdOf(this.events));
    this.headlineFold.addAll(this.events);
    if (this.options.status) this.headlineFold.setStatus(this.options.status.status, this.options.status.message);
    const model = this.builder.snapshot();
    this.lastSnapshotMs = performance.now() - started;
    return { method: 'panel/model', params: { headline: this.headline, model } };
  }

  /** Live study: new events go to the builder; flush() sends what changed. */
  addEvents(events: readonly StudyEvent[]): void {
    this.events = this.events.concat(events);
    this.builder.add(events);
    this.headlineFold.addAll(events);
  }

  async flush(): Promise<boolean> {
    const delta = this.builder.takeDelta();
    if (!delta) return false;
    await this.post({ method: 'panel/delta', params: { headline: this.headline, delta } });
    return true;
  }

  async post(message: HostToWebviewMessage): Promise<void> {
    await this.page.evaluate((m) => window.postMessage(m, '*'), message);
  }

  private async receive(message: WebviewToHostMessage): Promise<void> {
    this.received.push(message);
    switch (message.method) {
      case 'webview/ready':
        this.readyCount++;
        if (this.options.autoSnapshot === false) return;
        await this.post(this.modelMessage());
        await this.post({ method: 'panel/theme', params: { kind: 'dark' } });
        return;
      case 'panel/llmCallText': {
        const text = this.builder.llmCallText(message.params.callId);
        await this.post(text
          ? { method: 'panel/llmCallText/response', id: message.id, result: text }
          : { method: 'panel/llmCallText/response', id: message.id, error: `no LLM call ${message.params.callId}` });
        return;
      }
      case 'panel/trialCurve':
        await this.post({ method: 'panel/trialCurve/response', id: message.id, result: this.builder.trialCurve(message.params.trialId) ?? null });
        return;
      case 'panel/searchLlmCalls':
        await this.post({ method: 'panel/searchLlmCalls/response', id: message.id, result: { hits: this.builder.searchLlmCalls(message.params.query, undefined, { skipSystem: message.params.skipSystem === true }) } });
        return;
      case 'panel/saveFile':
        this.savedFiles.push(message.params);
        await this.post({ method: 'panel/saveFile/response', id: message.id, result: { path: `nas-results/${this.headline.studyId}/${message.params.fileName}` } });
        return;
      case 'panel/export':
        await this.post({ method: 'panel/export/response', id: message.id, result: { folder: `nas-results/${this.headline.studyId}` } });
        return;
      case 'webview/copyLlmCall': {
        this.commands.push(message);
        const text = this.builder.llmCallText(message.params.callId);
        if (text) this.clipboard.push(llmCallClipboardText(text, message.params.part));
        return;
      }
      case 'webview/openLlmCall': {
        this.commands.push(message);
        const text = this.builder.llmCallText(message.params.callId);
        if (text) this.openedDocuments.push(llmCallMarkdown(text));
        return;
      }
      default:
        this.commands.push(message);
    }
  }

  private newBuilder(): PanelModelBuilder {
    return new PanelModelBuilder({ companions: this.options.companions, isoClassOf: this.options.isoClassOf });
  }
}

function studyIdOf(events: readonly StudyEvent[]): string {
  const started = events.find((e) => e.type === 'studyStarted');
  return started && started.type === 'studyStarted' ? started.studyId : 'study';
}
