/**
 * Serves the panel as VS Code would: an HTML shell under the extension's exact Content Security
 * Policy (the extension's own panelHtml()) with the test bundle and media/panel/panel.css inline
 * under its nonce, from a 127.0.0.1 server that records every path
 * asked for (an `<img src=x>` that ran would show up as a request for /x).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { panelHtml } from '../../src/extension/webviewHtml';

export interface PanelTestServer {
  readonly url: string;
  /** The same shell with the comparison app (`data-view="comparison"`), as ComparisonPanel serves it. */
  readonly comparisonUrl: string;
  /** Paths requested so far. */
  readonly requests: string[];
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

export async function startPanelServer(options: { bundleDir: string; mediaDir: string }): Promise<PanelTestServer> {
  const requests: string[] = [];
  let origin = '';
  // Inlined into the page as the extension does (src/extension/panelWebview.ts).
  const inlined = { script: readFileSync(join(options.bundleDir, 'panel.js'), 'utf8'), style: readFileSync(join(options.mediaDir, 'panel', 'panel.css'), 'utf8') };
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    requests.push(path);
    if (path === '/' || path === '/index.html' || path === '/comparison') {
      const nonce = randomBytes(16).toString('base64');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(pageHtml(origin, nonce, path === '/comparison' ? 'comparison' : 'study', inlined));
      return;
    }
    if (path === '/favicon.ico') { res.writeHead(204).end(); return; }
    const file = resolveFile(path, options);
    if (!file) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url: `${origin}/`, comparisonUrl: `${origin}/comparison`, requests,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

function resolveFile(path: string, options: { bundleDir: string; mediaDir: string }): string | undefined {
  const clean = normalize(path).replace(/^(\.\.[/\\])+/, '');
  const file = clean.startsWith('/bundle/') ? join(options.bundleDir, clean.slice('/bundle/'.length))
    : clean.startsWith('/media/') ? join(options.mediaDir, clean.slice('/media/'.length)) : undefined;
  return file && existsSync(file) ? file : undefined;
}

/** The extension's own panel shell, with the panel's stylesheet and the test bundle. */
function pageHtml(cspSource: string, nonce: string, view: 'study' | 'comparison', files: { script: string; style: string }): string {
  return panelHtml({ cspSource, nonce, script: files.script, sourceMapUri: '/bundle/panel.js.map', style: files.style, chartsScriptUri: '/bundle/charts.js', title: `NAS ${view} panel test`, view });
}
