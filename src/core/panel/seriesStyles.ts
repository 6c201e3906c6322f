/**
 * Line styles that tell up to ten series apart: a colour and a dash pattern each, both distinct for
 * the first ten, so eight searchers never share a colour and lines stay apart in High Contrast and
 * in print, where colours alone may not. The panel takes its first colours from the theme; the
 * exports and the rest of the palette use these fixed ones.
 */

/** Colours for series 0-9 (the first six match VS Code's default chart palette). */
export const SERIES_COLOURS: readonly string[] = [
  '#3794ff', '#d18616', '#89d185', '#b180d7', '#f14c4c', '#cca700', '#17becf', '#e377c2', '#b5835a', '#8c9f3a',
];

/** Dash patterns (on, off, ... in px) for series 0-9: solid first, then ever more broken lines. */
export const SERIES_DASHES: readonly (readonly number[])[] = [
  [], [8, 4], [2, 3], [10, 3, 2, 3], [4, 4], [14, 4], [10, 3, 2, 3, 2, 3], [1, 5], [6, 2, 6, 6], [16, 3, 4, 3],
];

export interface SeriesStyle {
  readonly colour: string;
  readonly dash: readonly number[];
}

/**
 * Style of series i from a palette (theme colours first, topped up to ten). Past ten the dash shifts
 * by one each round, so series 10 is colour 0 with dash 1, not a copy of series 0.
 */
export function seriesStyle(i: number, palette: readonly string[] = SERIES_COLOURS): SeriesStyle {
  const colours = palette.length >= SERIES_COLOURS.length ? palette : [...palette, ...SERIES_COLOURS.slice(palette.length)];
  const round = Math.floor(i / colours.length);
  return { colour: colours[i % colours.length], dash: SERIES_DASHES[(i + round) % SERIES_DASHES.length] };
}
