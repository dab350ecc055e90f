import type { FilterSpecification, Map as MlMap } from 'maplibre-gl';

/** The chosen grid's colour: a gold no tier, basemap or light colour uses. */
export const HIGHLIGHT_COLOUR = '#ffc300';

export interface Highlight {
  code: string;
  tier: number;
}

const NONE: FilterSpecification = ['==', ['get', 'code'], '\u0000'];
const ids = (tier: number) => ({ fill: `panorama-highlight-tier${tier}-fill`, line: `panorama-highlight-tier${tier}-line` });

/**
 * Outlines one grid from the grid tiles already on the map: a fill and a line per tier, all
 * filtered to nothing but the chosen grid's code, so no geometry is fetched or kept here.
 * Added below the deck.gl labels when they are there, so names stay readable.
 */
export function showHighlight(map: MlMap, tiers: number, highlight: Highlight | null): void {
  if (!map.getSource('grids')) return;
  const before = map.getLayer('grid-labels') ? 'grid-labels' : undefined;
  for (let tier = 1; tier <= tiers; tier++) {
    const id = ids(tier);
    if (!map.getLayer(id.fill)) {
      map.addLayer({ id: id.fill, type: 'fill', source: 'grids', 'source-layer': `tier${tier}`, filter: NONE, paint: { 'fill-color': HIGHLIGHT_COLOUR, 'fill-opacity': 0.14 } }, before);
      map.addLayer({ id: id.line, type: 'line', source: 'grids', 'source-layer': `tier${tier}`, filter: NONE, layout: { 'line-join': 'round' }, paint: { 'line-color': HIGHLIGHT_COLOUR, 'line-width': 5, 'line-opacity': 0.95 } }, before);
    }
    const filter: FilterSpecification = highlight && highlight.tier === tier ? ['==', ['get', 'code'], highlight.code] : NONE;
    map.setFilter(id.fill, filter);
    map.setFilter(id.line, filter);
  }
}
