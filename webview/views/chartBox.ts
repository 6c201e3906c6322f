/**
 * A titled chart with its export buttons (PNG of the canvas, SVG drawn from the same data by
 * chartSvg): what every chart of the panel sits in. Files go to the host, which writes them into
 * the workspace.
 */
import { chartSvg } from '../../src/core/panel/chartSvg';
import type { ChartColours } from '../chartTheme';
import { el } from '../elementBuilder';
import type { PanelActions } from '../panelView';
import { ThemedChart, type ChartSpec } from '../themedChart';
import { button } from '../toolkit';

export function chartBox(
  actions: Pick<PanelActions, 'saveFile' | 'studyId'>, id: string, title: string, build: (colours: ChartColours) => ChartSpec, onPick?: (trialId: number) => void,
): { element: HTMLElement; chart: ThemedChart } {
  const canvas = el('canvas', { attrs: { id: `chart-${id}`, role: 'img', 'aria-label': title } });
  const chart = new ThemedChart(canvas, build, onPick);
  const save = (kind: 'png' | 'svg') => {
    const fileName = `${actions.studyId}-${id}.${kind}`;
    if (kind === 'png') {
      actions.saveFile({ fileName, kind, encoding: 'base64', data: chart.pngBase64() });
      return;
    }
    const spec = chart.svgSpec();
    if (spec) actions.saveFile({ fileName, kind, encoding: 'utf8', data: chartSvg(spec) });
  };
  const element = el('figure', { className: 'chart-box', attrs: { 'data-chart': id } }, [
    el('figcaption', {}, [
      el('span', { className: 'chart-title', text: title }),
      el('span', { className: 'spacer' }),
      button('PNG', () => save('png'), { title: `Save "${title}" as PNG`, id: `export-${id}-png` }),
      button('SVG', () => save('svg'), { title: `Save "${title}" as SVG`, id: `export-${id}-svg` }),
    ]),
    el('div', { className: 'chart-canvas' }, [canvas]),
  ]);
  return { element, chart };
}
