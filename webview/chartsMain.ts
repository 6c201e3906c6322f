/**
 * Entry of the charts bundle (dist/charts.js), which the panel loads after its first paint
 * (webview/chartLibrary.ts): chart.js with only the line controller and the pieces it uses
 * registered, plus the nearestSeries interaction mode of the panel's charts.
 */
import {
  Chart, Filler, Interaction, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Tooltip, Legend,
  type InteractionItem, type InteractionModeFunction,
} from 'chart.js';
import { getRelativePosition } from 'chart.js/helpers';
import { CHART_LIBRARY_GLOBAL, type ChartLibrary } from './chartLibrary';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Filler, Tooltip, Legend);

/**
 * chart.js's 'nearest' mode may pick a point of a band edge, which the tooltip then filters out, so
 * on a chart with bands the tooltip vanishes wherever a band is closer than its line. This mode picks
 * the nearest drawn point of a series that has a tooltip (a dataset marked `band` has none).
 */
const nearestSeries: InteractionModeFunction = (chart, event, _options, useFinalPosition) => {
  const position = getRelativePosition(event, chart);
  let best: InteractionItem | undefined;
  let bestDistance = Infinity;
  for (const meta of chart.getSortedVisibleDatasetMetas()) {
    if ((chart.data.datasets[meta.index] as { band?: boolean }).band) continue;
    meta.data.forEach((element, index) => {
      if ((element as PointElement).skip) return;
      const { x, y } = element.getProps(['x', 'y'], useFinalPosition);
      const distance = Math.hypot(x - position.x, y - position.y);
      if (distance < bestDistance) { bestDistance = distance; best = { element, datasetIndex: meta.index, index }; }
    });
  }
  return best ? [best] : [];
};
Interaction.modes.nearestSeries = nearestSeries;

const library: ChartLibrary = { Chart };
(window as unknown as Record<string, ChartLibrary>)[CHART_LIBRARY_GLOBAL] = library;
