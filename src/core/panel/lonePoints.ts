/**
 * Which points of a line a reader would not see: a point with no drawn neighbour (a study's first
 * result, a trial stopped at its first epoch, a step of one value) makes a line or step of zero
 * length, which draws nothing. The panel's canvas charts (webview/themedChart.ts) and the SVG charts
 * of exports and reports (chartSvg.ts) both put a marker of LONE_POINT_RADIUS on each such point.
 */

/** Radius in px of the marker on a point a line cannot show. */
export const LONE_POINT_RADIUS = 3;

/** For each point, whether it is drawn with neither neighbour drawn (`drawn[i]`: point i is on the line). */
export function lonePoints(drawn: readonly boolean[]): boolean[] {
  return drawn.map((here, i) => here && !drawn[i - 1] && !drawn[i + 1]);
}
