/**
 * The panel's HTML shell under a strict Content Security Policy: scripts only with a fresh nonce,
 * styles only from the extension's own files or with the nonce (the UI toolkit's one probe finds it in
 * `<meta property="csp-nonce">`), no inline handlers or style attributes, no eval, no network. The panel's bundle
 * and stylesheet are inlined under that nonce: in code-server each file a webview fetches goes through
 * its service worker, the workbench and the server (several hundred ms per file), and the panel's first
 * paint waited for both. chart.js is a third file, fetched after the first paint (webview/chartLibrary.ts).
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
  /** The panel bundle's code (dist/webview.js), run inline under the nonce. */
  readonly script: string;
  /** Where the bundle's source map is, for the developer tools (the bundle's own reference is relative to a file the page no longer loads). */
  readonly sourceMapUri?: string;
  /** The panel's stylesheet (media/panel/panel.css), inline under the nonce. */
  readonly style: string;
  /** The charts bundle (dist/charts.js: chart.js), which the page loads under its nonce once it has painted (webview/chartLibrary.ts). */
  readonly chartsScriptUri: string;
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
  const script = inlineText(parts.script, 'script').replace(/\n\/\/# sourceMappingURL=\S*\s*$/, '') +
    (parts.sourceMapUri ? `\n//# sourceMappingURL=${parts.sourceMapUri}` : '');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(contentSecurityPolicy(parts.cspSource, parts.nonce))}">
<meta property="csp-nonce" content="${nonce}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="llambo-nas-charts" content="${escapeAttribute(parts.chartsScriptUri)}">
<style nonce="${nonce}">${inlineText(parts.style, 'style')}</style>
<title>${escapeText(parts.title)}</title>
</head>
<body>
<main id="app" aria-live="polite" data-view="${parts.view ?? 'study'}"><p>Loading${parts.view === 'comparison' ? ' comparison' : ' study'}…</p></main>
<script nonce="${nonce}">${script}</script>
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

/**
 * Text a <script> or <style> element can hold as is: the HTML parser ends such an element at its end
 * tag and treats `<!--` before a `<script` specially, and nothing in it can be escaped. Minified
 * bundles hold neither tag (esbuild writes `<\/script` in strings); a bundle that did must not be inlined.
 */
function inlineText(text: string, tag: 'script' | 'style'): string {
  if (new RegExp(`</?${tag}`, 'i').test(text)) throw new Error(`cannot inline text that holds a ${tag} tag`);
  return text;
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;');
}
