/**
 * The charts of a study export, as SVG files the Markdown report embeds: the incumbent's error over
 * simulated time (log scale, with the table's optimum as a dashed line) and, for studies that called
 * an LLM, the cumulative LLM requests and cache hits over simulated time. Pure: events in, text out.
 */
import type { EventLogContents } from '../core/study/eventLog';
import { lineChartSvg, type ChartPoint } from './lineChartSvg';

export const INCUMBENT_CHART_FILE = 'incumbent-curve.svg';
export const LLM_CALLS_CHART_FILE = 'llm-calls.svg';

const percent = (error: number) => `${(100 * error).toFixed(error < 0.1 ? 1 : 0)}%`;
const hours = (h: number) => `${Number(h.toPrecision(4))} h`;

/** File name -> SVG text; the LLM chart only when the study made LLM calls. */
export function studyChartFiles(contents: EventLogContents): Record<string, string> {
  const { record, events } = contents;
  const budgetHours = budgetSecondsOf(record.spec) / 3600;
  const incumbent: ChartPoint[] = [];
  const requests: ChartPoint[] = [];
  const cacheHits: ChartPoint[] = [];
  for (const e of events) {
    if (e.type === 'incumbentChanged') incumbent.push({ x: e.time / 3600, y: e.error });
    else if (e.type === 'llmCall') {
      requests.push({ x: e.time / 3600, y: requests.length + 1 });
      if (e.cacheHit) cacheHits.push({ x: e.time / 3600, y: cacheHits.length + 1 });
    }
  }
  const lastHour = events.length > 0 ? events[events.length - 1].time / 3600 : 0;
  const files: Record<string, string> = {
    [INCUMBENT_CHART_FILE]: lineChartSvg({
      title: `Incumbent error vs simulated time — ${record.studyId}`,
      xLabel: 'simulated time (hours)', yLabel: 'validation error (log scale)',
      series: [{ name: 'best error so far (any epoch)', points: incumbent, color: '#1f77b4', step: true }],
      xMax: Math.max(budgetHours, lastHour),
      yScale: 'log',
      referenceLines: [{ y: record.optimumError, label: `table optimum ${percent(record.optimumError)}` }],
      formatX: hours, formatY: percent,
    }),
  };
  if (requests.length > 0) {
    files[LLM_CALLS_CHART_FILE] = lineChartSvg({
      title: `LLM requests vs simulated time — ${record.studyId}`,
      xLabel: 'simulated time (hours)', yLabel: 'requests (cumulative)',
      series: [
        { name: 'LLM requests', points: requests, color: '#d62728', step: true },
        { name: 'of which replayed from the cache', points: cacheHits, color: '#2ca02c', step: true },
      ],
      xMax: Math.max(budgetHours, lastHour),
      formatX: hours,
    });
  }
  return files;
}

function budgetSecondsOf(spec: unknown): number {
  const s = (typeof spec === 'object' && spec !== null ? spec : {}) as { budgetSeconds?: unknown; hours?: unknown };
  if (typeof s.budgetSeconds === 'number') return s.budgetSeconds;
  return typeof s.hours === 'number' ? s.hours * 3600 : 0;
}
