/**
 * The charts of a study export, as SVG files the Markdown report embeds: the incumbent's error over
 * simulated time (log scale, with the table's optimum as a dashed line) and, for studies that called
 * an LLM, the cumulative LLM requests and cache hits over simulated time. A projection of the read
 * model, drawn by the one chart renderer in fixed colours (the files are viewed outside the editor).
 */
import { chartSvg, type ChartSvgSeries, type ChartSvgSpec } from '../panel/chartSvg';
import type { StudyReadModel } from '../readModel/studyReadModel';
import { ERROR_AXIS_LABEL } from '../readModel/errorMetric';

export const INCUMBENT_CHART_FILE = 'incumbent-curve.svg';
export const LLM_CALLS_CHART_FILE = 'llm-calls.svg';

const COLOURS = { background: '#ffffff', foreground: '#222222', grid: '#e3e3e3' } as const;
const SIZE = { width: 720, height: 360 } as const;

const percent = (error: number) => `${(100 * error).toFixed(error < 0.1 ? 1 : 0)}%`;
const hours = (h: number) => `${Number(h.toPrecision(4))} h`;

/** File name -> SVG text; the LLM chart only when the study made LLM calls. */
export function studyChartFiles(model: StudyReadModel): Record<string, string> {
  const studyId = model.study?.studyId ?? '';
  const endHour = Math.max(model.study?.budgetSeconds ?? 0, model.simulatedSeconds) / 3600;
  const frame: Omit<ChartSvgSpec, 'title' | 'xLabel' | 'yLabel' | 'series'> = {
    ...SIZE, ...COLOURS, xExtent: [0, endHour], formatX: hours,
  };
  const { incumbent } = model;
  const optimum = model.study?.optimumError;
  const files: Record<string, string> = {
    [INCUMBENT_CHART_FILE]: chartSvg({
      ...frame,
      title: `Incumbent error vs simulated time — ${studyId}`,
      xLabel: 'simulated time (hours)', yLabel: `${ERROR_AXIS_LABEL} (log scale)`, yLog: true, formatY: percent,
      series: [stepSeries('best error so far (any epoch)', '#1f77b4', incumbent.time, incumbent.error, endHour)],
      referenceLines: optimum === undefined ? [] : [{ y: optimum, label: `table optimum ${percent(optimum)}` }],
    }),
  };
  const calls = model.llmCalls.summaries();
  if (calls.length > 0) {
    const hits = calls.filter((c) => c.cacheHit);
    files[LLM_CALLS_CHART_FILE] = chartSvg({
      ...frame,
      title: `LLM requests vs simulated time — ${studyId}`,
      xLabel: 'simulated time (hours)', yLabel: 'requests (cumulative)',
      series: [
        stepSeries('LLM requests', '#d62728', calls.map((c) => c.time), calls.map((_, i) => i + 1), endHour),
        stepSeries('of which replayed from the cache', '#2ca02c', hits.map((c) => c.time), hits.map((_, i) => i + 1), endHour),
      ],
    });
  }
  return files;
}

/** A step line over simulated seconds, drawn in hours and held at its last value to the axis end. */
function stepSeries(label: string, colour: string, seconds: readonly number[], values: readonly number[], endHour: number): ChartSvgSeries {
  const x = seconds.map((s) => s / 3600);
  const y: number[] = values.slice();
  if (x.length > 0 && endHour > x[x.length - 1]) {
    x.push(endHour);
    y.push(y[y.length - 1]);
  }
  return { label, colour, kind: 'step', x, y };
}
