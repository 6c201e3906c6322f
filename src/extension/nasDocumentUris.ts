/**
 * The read-only documents the extension opens from a study panel ("Open as editor tab" on an LLM call,
 * "Open cell"), named by a path on the `llambo-nas` scheme: `/<studyId>/call-<callId>.md` and
 * `/cells/cell-<ops>.md` (ops: the six edges' op indices, e.g. `cell-130324.md`). The path alone says
 * what the document shows, so the content provider can rebuild it after a window reload. Pure (no 'vscode').
 */
import { isValidCell, NUM_EDGES, type Cell } from '../core/nb201/searchSpace';

export const NAS_DOCUMENT_SCHEME = 'llambo-nas';

export type NasDocument =
  | { readonly kind: 'llmCall'; readonly studyId: string; readonly callId: string }
  | { readonly kind: 'cell'; readonly cell: Cell };

const CELLS_FOLDER = 'cells';
const CALL_FILE = /^call-(.+)\.md$/;
const CELL_FILE = new RegExp(`^cell-([0-9]{${NUM_EDGES}})\\.md$`);

export function nasDocumentPath(document: NasDocument): string {
  if (document.kind === 'cell') return `/${CELLS_FOLDER}/cell-${document.cell.join('')}.md`;
  return `/${encodeURIComponent(document.studyId)}/call-${encodeURIComponent(document.callId)}.md`;
}

/** What a document path names; throws an Error naming the path and the two shapes it may take. */
export function parseNasDocumentPath(path: string): NasDocument {
  const parts = path.split('/').filter((part) => part !== '');
  if (parts.length === 2) {
    const [folder, file] = parts;
    const cell = CELL_FILE.exec(file);
    if (folder === CELLS_FOLDER && cell) {
      const ops = [...cell[1]].map(Number);
      if (isValidCell(ops)) return { kind: 'cell', cell: ops };
    }
    const call = CALL_FILE.exec(file);
    if (folder !== CELLS_FOLDER && call) return { kind: 'llmCall', studyId: decodeURIComponent(folder), callId: decodeURIComponent(call[1]) };
  }
  throw new Error(`${NAS_DOCUMENT_SCHEME}:${path} is not a document of this extension: expected /<studyId>/call-<callId>.md or /${CELLS_FOLDER}/cell-<six op indices 0-4>.md`);
}
