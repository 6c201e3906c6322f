/**
 * The panel's HTML shell under a strict Content Security Policy: scripts only with a fresh nonce,
 * styles only from the extension's own files (plus the nonce, for the UI toolkit's one probe, which
 * finds it in `<meta property="csp-nonce">`), no inline handlers or styles, no eval, no network.
 */
import { randomBytes } from 'node:crypto';

/** 128 random bits, base64: unguessable per page load. */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

export interface PanelHtmlParts {
  /** `webview.cspSource`. */
  readonly cspSource: string;
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  readonly title: string;
  /** Which app the bundle mounts: the study panel (default) or the comparison panel. */
  readonly view?: 'study' | 'comparison';
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function panelHtml(parts: PanelHtmlParts): string {
  const nonce = escapeAttribute(parts.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(contentSecurityPolicy(parts.cspSource, parts.nonce))}">
<meta property="csp-nonce" content="${nonce}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttribute(parts.styleUri)}">
<title>${escapeText(parts.title)}</title>
</head>
<body>
<main id="app" aria-live="polite" data-view="${parts.view ?? 'study'}"><p>Loading${parts.view === 'comparison' ? ' comparison' : ' study'}…</p></main>
<script nonce="${nonce}" src="${escapeAttribute(parts.scriptUri)}"></script>
</body>
</html>`;
}

/** A page for a panel whose study is gone (restored after its folder was deleted). No script at all. */
export function missingStudyHtml(cspSource: string, studyId: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${escapeAttribute(cspSource)}">
<title>Study not found</title></head>
<body><p>Study ${escapeText(studyId)} was not found in this workspace's .nas-studies folder.</p></body></html>`;
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;');
}
