/**
 * The one module that knows the UI component library. Everything else asks for "a button", "tabs",
 * "a text field" here, so moving from @vscode/webview-ui-toolkit (archived upstream in January 2025)
 * to @vscode-elements/elements changes this file only. Components take their colours from the
 * VS Code theme on their own.
 */
import {
  provideVSCodeDesignSystem, vsCodeBadge, vsCodeButton, vsCodeCheckbox, vsCodeDropdown, vsCodeOption, vsCodePanels,
  vsCodePanelTab, vsCodePanelView, vsCodeTextField,
} from '@vscode/webview-ui-toolkit';

let registered = false;

/** Defines the custom elements (once per page). */
export function registerToolkit(): void {
  if (registered) return;
  provideVSCodeDesignSystem().register(
    vsCodeBadge(), vsCodeButton(), vsCodeCheckbox(), vsCodeDropdown(), vsCodeOption(), vsCodePanels(), vsCodePanelTab(),
    vsCodePanelView(), vsCodeTextField(),
  );
  registered = true;
}

export type ValueElement = HTMLElement & { value: string };
export type CheckElement = HTMLElement & { checked: boolean };

export interface ButtonOptions {
  readonly appearance?: 'primary' | 'secondary';
  /** Tooltip and accessible name when the label is short. */
  readonly title?: string;
  readonly id?: string;
}

export function button(label: string, onClick: () => void, options: ButtonOptions = {}): HTMLElement {
  const el = document.createElement('vscode-button');
  el.textContent = label;
  el.setAttribute('appearance', options.appearance ?? 'secondary');
  if (options.title) { el.title = options.title; el.setAttribute('aria-label', options.title); }
  if (options.id) el.id = options.id;
  el.addEventListener('click', onClick);
  return el;
}

export function textField(options: { id: string; placeholder: string; value: string; label: string; onInput: (value: string) => void }): ValueElement {
  const el = document.createElement('vscode-text-field') as ValueElement;
  el.id = options.id;
  el.setAttribute('placeholder', options.placeholder);
  el.setAttribute('aria-label', options.label);
  el.setAttribute('value', options.value);
  el.addEventListener('input', () => options.onInput(el.value));
  return el;
}

export function checkbox(options: { id: string; label: string; checked: boolean; onChange: (checked: boolean) => void }): CheckElement {
  const el = document.createElement('vscode-checkbox') as CheckElement;
  el.id = options.id;
  el.textContent = options.label;
  if (options.checked) el.setAttribute('checked', '');
  el.addEventListener('change', () => options.onChange(el.checked));
  return el;
}

export function dropdown(options: {
  id: string; label: string; value: string; choices: readonly { value: string; label: string }[]; onChange: (value: string) => void;
}): ValueElement {
  const el = document.createElement('vscode-dropdown') as ValueElement;
  el.id = options.id;
  el.setAttribute('aria-label', options.label);
  for (const choice of options.choices) {
    const option = document.createElement('vscode-option');
    option.setAttribute('value', choice.value);
    option.textContent = choice.label;
    if (choice.value === options.value) option.setAttribute('selected', '');
    el.append(option);
  }
  el.addEventListener('change', () => options.onChange(el.value));
  return el;
}

export function badge(text: string): HTMLElement {
  const el = document.createElement('vscode-badge');
  el.textContent = text;
  return el;
}

export interface TabSpec {
  readonly id: string;
  readonly label: string;
  /** The tab's content; absent: filled later through panelOf. */
  readonly panel?: HTMLElement;
}

export interface TabsElement {
  readonly element: HTMLElement;
  select(id: string): void;
  /** The element that holds a tab's content. */
  panelOf(id: string): HTMLElement;
}

/** Tabs with their panels; arrow keys, Home and End move between tabs. */
export function tabs(specs: readonly TabSpec[], active: string, onChange: (id: string) => void): TabsElement {
  const el = document.createElement('vscode-panels') as HTMLElement & { activeid: string };
  el.setAttribute('aria-label', 'Study views');
  for (const spec of specs) {
    const tab = document.createElement('vscode-panel-tab');
    tab.id = `tab-${spec.id}`;
    tab.textContent = spec.label;
    el.append(tab);
  }
  const panels = new Map<string, HTMLElement>();
  for (const spec of specs) {
    const view = document.createElement('vscode-panel-view');
    view.id = `view-${spec.id}`;
    if (spec.panel) view.append(spec.panel);
    panels.set(spec.id, view);
    el.append(view);
  }
  el.setAttribute('activeid', `tab-${active}`);
  el.addEventListener('change', (event) => {
    if (event.target !== el) return;
    const id = (el.activeid ?? '').replace(/^tab-/, '');
    if (id) onChange(id);
  });
  return {
    element: el,
    select: (id) => { el.activeid = `tab-${id}`; },
    panelOf: (id) => {
      const panel = panels.get(id);
      if (!panel) throw new Error(`no tab ${id}`);
      return panel;
    },
  };
}
