/** Picks the app a panel's page asks for (`data-view` on #app, set by the host's panelHtml) and mounts it. */
import { mountComparison } from './comparisonApp';
import { mountPanel } from './panelApp';
import type { PanelHostPort } from './panelHostPort';

export function mountPanelApp(root: HTMLElement, host: PanelHostPort): void {
  if (root.dataset.view === 'comparison') mountComparison(root, host);
  else mountPanel(root, host);
}
