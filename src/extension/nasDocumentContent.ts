/**
 * The text of the `llambo-nas:` documents (nasDocumentUris.ts): an LLM call's prompt and reply as
 * Markdown, read from its study's events, and an NB201 cell page. Pure (no 'vscode'); the content
 * provider (nasDocumentProvider.ts) only hands VS Code what this returns.
 */
import type { StudyEvent } from '../core/events/studyEvents';
import { EDGES, OPS, toArchString, type Cell } from '../core/nb201/searchSpace';
import { cellDiagramSvg, describeCell, LIGHT_CELL_PALETTE } from '../core/panel/cellDiagramSvg';
import { liveEdges } from '../core/panel/cellPaths';
import { llmCallMarkdown } from '../core/panel/llmCallMarkdown';
import { LlmCallIndex, type LlmCallText } from '../core/readModel/llmCallIndex';
import type { NasDocument } from './nasDocumentUris';

/**
 * The Markdown of a document; `eventsOf` gives a study's events (undefined for a study the workspace
 * does not have). Throws an Error saying what is missing when the study or the call is not there.
 */
export function nasDocumentMarkdown(document: NasDocument, eventsOf: (studyId: string) => readonly StudyEvent[] | undefined): string {
  if (document.kind === 'cell') return cellMarkdown(toArchString(document.cell), document.cell);
  const events = eventsOf(document.studyId);
  if (!events) throw new Error(`Study ${document.studyId} is not in this workspace's .nas-studies folder, so its LLM call ${document.callId} cannot be shown.`);
  const text = llmCallTextIn(events, document.callId);
  if (!text) throw new Error(`LLM call ${document.callId} is not in the log of study ${document.studyId}.`);
  return llmCallMarkdown(text);
}

/** The prompt and reply of one call in a study's events, or undefined when the log has no such call. */
export function llmCallTextIn(events: readonly StudyEvent[], callId: string): LlmCallText | undefined {
  const event = events.find((e) => e.type === 'llmCall' && e.callId === callId);
  if (!event || event.type !== 'llmCall') return undefined;
  const index = new LlmCallIndex();
  index.add(event);
  return index.text(callId);
}

/** A cell's page: its arch string, its diagram (an inline SVG image) and one table row per edge. */
export function cellMarkdown(arch: string, cell: Cell): string {
  const svg = cellDiagramSvg(cell, { palette: LIGHT_CELL_PALETTE, width: 480, height: 250 });
  const live = liveEdges(cell);
  return [
    `# NB201 cell`, '', '```text', arch, '```', '',
    `![${describeCell(cell)}](data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')})`, '',
    '| edge | op | on an input→output path |', '|---|---|---|',
    ...EDGES.map(([from, to], e) => `| ${from}→${to} | ${OPS[cell[e]]} | ${live[e] ? 'yes' : 'no'} |`),
    '',
  ].join('\n');
}
