import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentSecurityPolicy, panelHtml } from '../../src/extension/webviewHtml';

const parts = {
  cspSource: 'https://webview.example', nonce: 'bm9uY2Vub25jZW5vbmNlMTI=', title: 'study', chartsScriptUri: 'https://webview.example/dist/charts.js',
  script: 'console.log("<\\/script>");\n//# sourceMappingURL=webview.js.map\n', sourceMapUri: 'https://webview.example/dist/webview.js.map', style: 'body { margin: 0; }',
};

test('the panel page holds its bundle and stylesheet inline under the nonce, and names the charts bundle', () => {
  const html = panelHtml(parts);
  assert.ok(html.includes(`<script nonce="${parts.nonce}">console.log("<\\/script>");\n//# sourceMappingURL=${parts.sourceMapUri}</script>`), html);
  assert.ok(html.includes(`<style nonce="${parts.nonce}">body { margin: 0; }</style>`));
  assert.ok(html.includes(`<meta name="llambo-nas-charts" content="${parts.chartsScriptUri}">`));
  assert.doesNotMatch(html, /<link |src=|unsafe-inline|unsafe-eval/);
  assert.equal(contentSecurityPolicy(parts.cspSource, parts.nonce).includes("script-src 'nonce-"), true);
});

test('text holding a script or style tag is refused, not inlined (it would end the element early)', () => {
  assert.throws(() => panelHtml({ ...parts, script: 'x = "</script><img src=x>"' }), /script tag/);
  assert.throws(() => panelHtml({ ...parts, script: 'x = "<SCRIPT>"' }), /script tag/);
  assert.throws(() => panelHtml({ ...parts, style: 'a{}</style><script>alert(1)</script>' }), /style tag/);
});
