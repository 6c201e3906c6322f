/**
 * What VS Code does to a webview page before its scripts run, as a Playwright init script: defines
 * acquireVsCodeApi (state kept in sessionStorage so it survives a reload, messages to the Node side
 * through an exposed binding), sets the theme's CSS variables on <html> and the theme class on <body>,
 * and records CSP violations and any alert() a hostile reply might trigger.
 */

export type ThemeKind = 'dark' | 'light' | 'high-contrast';

/** A subset of VS Code's Dark Modern and Light Modern colours: the variables the panel and toolkit read. */
const MODERN_THEMES = {
  dark: {
    '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif', '--vscode-font-size': '13px',
    '--vscode-editor-font-family': '"Droid Sans Mono", monospace', '--vscode-editor-font-size': '13px',
    '--vscode-foreground': '#cccccc', '--vscode-descriptionForeground': '#9d9d9d', '--vscode-disabledForeground': '#6e6e6e',
    '--vscode-editor-background': '#1f1f1f', '--vscode-editorWidget-background': '#202020', '--vscode-panel-border': '#2b2b2b',
    '--vscode-editorGroup-border': '#2b2b2b', '--vscode-focusBorder': '#0078d4', '--vscode-contrastBorder': 'transparent',
    '--vscode-charts-foreground': '#cccccc', '--vscode-charts-lines': 'rgba(204, 204, 204, 0.5)',
    '--vscode-charts-blue': '#3794ff', '--vscode-charts-orange': '#d18616', '--vscode-charts-green': '#89d185',
    '--vscode-charts-purple': '#b180d7', '--vscode-charts-red': '#f14c4c', '--vscode-charts-yellow': '#cca700',
    '--vscode-list-hoverBackground': '#2a2d2e', '--vscode-list-activeSelectionBackground': '#04395e', '--vscode-list-activeSelectionForeground': '#ffffff',
    '--vscode-badge-background': '#616161', '--vscode-badge-foreground': '#f8f8f8', '--vscode-textLink-foreground': '#4daafc',
    '--vscode-textCodeBlock-background': '#2b2b2b', '--vscode-errorForeground': '#f85149', '--vscode-editorWarning-foreground': '#cca700',
    '--vscode-button-background': '#0078d4', '--vscode-button-foreground': '#ffffff', '--vscode-button-secondaryBackground': '#313131',
    '--vscode-button-secondaryForeground': '#cccccc', '--vscode-input-background': '#313131', '--vscode-input-foreground': '#cccccc',
    '--vscode-input-border': '#3c3c3c', '--vscode-dropdown-background': '#313131', '--vscode-dropdown-foreground': '#cccccc',
    '--vscode-dropdown-border': '#3c3c3c', '--vscode-checkbox-background': '#313131', '--vscode-checkbox-border': '#3c3c3c',
    '--vscode-panelTitle-activeForeground': '#cccccc', '--vscode-panelTitle-inactiveForeground': '#9d9d9d', '--vscode-panelTitle-activeBorder': '#0078d4',
  },
  light: {
    '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif', '--vscode-font-size': '13px',
    '--vscode-editor-font-family': '"Droid Sans Mono", monospace', '--vscode-editor-font-size': '13px',
    '--vscode-foreground': '#3b3b3b', '--vscode-descriptionForeground': '#3b3b3b', '--vscode-disabledForeground': '#8e8e8e',
    '--vscode-editor-background': '#ffffff', '--vscode-editorWidget-background': '#f8f8f8', '--vscode-panel-border': '#e5e5e5',
    '--vscode-editorGroup-border': '#e5e5e5', '--vscode-focusBorder': '#005fb8', '--vscode-contrastBorder': 'transparent',
    '--vscode-charts-foreground': '#3b3b3b', '--vscode-charts-lines': 'rgba(59, 59, 59, 0.5)',
    '--vscode-charts-blue': '#1a85ff', '--vscode-charts-orange': '#d18616', '--vscode-charts-green': '#388a34',
    '--vscode-charts-purple': '#652d90', '--vscode-charts-red': '#e51400', '--vscode-charts-yellow': '#bf8803',
    '--vscode-list-hoverBackground': '#f2f2f2', '--vscode-list-activeSelectionBackground': '#e8e8e8', '--vscode-list-activeSelectionForeground': '#000000',
    '--vscode-badge-background': '#cccccc', '--vscode-badge-foreground': '#3b3b3b', '--vscode-textLink-foreground': '#005fb8',
    '--vscode-textCodeBlock-background': '#f8f8f8', '--vscode-errorForeground': '#f85149', '--vscode-editorWarning-foreground': '#bf8803',
    '--vscode-button-background': '#005fb8', '--vscode-button-foreground': '#ffffff', '--vscode-button-secondaryBackground': '#e5e5e5',
    '--vscode-button-secondaryForeground': '#3b3b3b', '--vscode-input-background': '#ffffff', '--vscode-input-foreground': '#3b3b3b',
    '--vscode-input-border': '#cecece', '--vscode-dropdown-background': '#ffffff', '--vscode-dropdown-foreground': '#3b3b3b',
    '--vscode-dropdown-border': '#cecece', '--vscode-checkbox-background': '#f8f8f8', '--vscode-checkbox-border': '#cecece',
    '--vscode-panelTitle-activeForeground': '#3b3b3b', '--vscode-panelTitle-inactiveForeground': '#3b3b3b', '--vscode-panelTitle-activeBorder': '#005fb8',
  },
};

/**
 * Dark Modern and Light Modern, plus a high-contrast theme on Dark Modern's variables: black
 * background, white text, contrast borders and bright chart colours (an approximation for the tests,
 * not VS Code's High Contrast colour table).
 */
export const THEMES: Record<ThemeKind, Record<string, string>> = {
  ...MODERN_THEMES,
  'high-contrast': {
    ...MODERN_THEMES.dark,
    '--vscode-foreground': '#ffffff', '--vscode-descriptionForeground': '#ffffff', '--vscode-editor-background': '#000000',
    '--vscode-contrastBorder': '#6fc3df', '--vscode-focusBorder': '#f38518', '--vscode-panel-border': '#6fc3df',
    '--vscode-charts-foreground': '#ffffff', '--vscode-charts-lines': 'rgba(255, 255, 255, 0.5)',
    '--vscode-charts-blue': '#75beff', '--vscode-charts-orange': '#ffb86c', '--vscode-charts-green': '#89d185',
    '--vscode-charts-purple': '#d6a8ff', '--vscode-charts-red': '#f48771', '--vscode-charts-yellow': '#ffd700',
  },
};

/** Page globals the init script defines, for page.evaluate. */
export interface StubWindow {
  __cspViolations: string[];
  __alerts: string[];
  __setTheme(kind: ThemeKind): void;
  __toHost(message: unknown): void;
}

/** The init script (a function Playwright serialises); `themes` and `initial` are its argument. */
export function installVsCodeStub(arg: { themes: Record<ThemeKind, Record<string, string>>; initial: ThemeKind }): void {
  const w = window as unknown as StubWindow & Record<string, unknown>;
  w.__cspViolations = [];
  w.__alerts = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    w.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} ${e.sourceFile}:${e.lineNumber}`);
  });
  window.alert = (message?: unknown) => { w.__alerts.push(String(message)); };
  const current = () => (sessionStorage.getItem('__theme') as ThemeKind | null) ?? arg.initial;
  const apply = (kind: ThemeKind) => {
    const html = document.documentElement;
    if (html) for (const [name, value] of Object.entries(arg.themes[kind])) html.style.setProperty(name, value);
    const body = document.body;
    if (body) {
      body.className = `vscode-${kind}`;
      body.dataset.vscodeThemeKind = `vscode-${kind}`;
    }
  };
  w.__setTheme = (kind) => {
    sessionStorage.setItem('__theme', kind);
    apply(kind);
  };
  // The init script runs before <html> exists: theme the page as soon as <body> is parsed, before the panel's script.
  const observer = new MutationObserver(() => {
    if (!document.body) return;
    observer.disconnect();
    apply(current());
  });
  observer.observe(document, { childList: true, subtree: true });
  let acquired = false;
  w.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi may be called only once');
    acquired = true;
    return {
      postMessage: (message: unknown) => w.__toHost(message),
      getState: () => JSON.parse(sessionStorage.getItem('__vscodeState') ?? 'null'),
      setState: (state: unknown) => sessionStorage.setItem('__vscodeState', JSON.stringify(state)),
    };
  };
}
