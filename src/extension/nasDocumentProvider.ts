/**
 * Serves the `llambo-nas:` documents (nasDocumentUris.ts, their text from nasDocumentContent.ts): an
 * LLM call's prompt and reply, and an NB201 cell page. Documents of a content provider are read-only
 * and carry their own name in the tab.
 */
import * as vscode from 'vscode';
import type { StudyEvent } from '../core/events/studyEvents';
import { nasDocumentMarkdown } from './nasDocumentContent';
import { NAS_DOCUMENT_SCHEME, nasDocumentPath, parseNasDocumentPath, type NasDocument } from './nasDocumentUris';

export function nasDocumentUri(document: NasDocument): vscode.Uri {
  return vscode.Uri.from({ scheme: NAS_DOCUMENT_SCHEME, path: nasDocumentPath(document) });
}

export class NasDocumentProvider implements vscode.TextDocumentContentProvider {
  /** `eventsOf`: a study's events so far, undefined for a study this workspace does not have. */
  constructor(private readonly eventsOf: (studyId: string) => readonly StudyEvent[] | undefined) {}

  provideTextDocumentContent(uri: vscode.Uri): string {
    return nasDocumentMarkdown(parseNasDocumentPath(uri.path), this.eventsOf);
  }
}
