import type { ExpressionSpecification, FilterSpecification, Map as MlMap } from 'maplibre-gl';
import { FILL_OPACITY } from './classes.ts';

export const FILL_ID = 'grids-choropleth-fill';
export const SELECTED_ID = 'grids-choropleth-selected';

/**
 * The choropleth as maplibre layers on MapView's own `grids` vector source: one fill for the
 * chosen tier, under every tier outline (so boundaries stay readable), and a dark outline for
 * the grid whose card is open. Safe to call on every change and after MapView rebuilds its map.
 */
export function showChoropleth(map: MlMap, tier: number, colour: ExpressionSpecification | string, selected: string | null): void {
  if (!map.getSource('grids')) return;
  const before = map.getStyle().layers.find((l) => l.id.startsWith('grids-tier') && l.id.endsWith('-line'))?.id;
  const sourceLayer = `tier${tier}`;
  for (const id of [FILL_ID, SELECTED_ID]) {
    const layer = map.getLayer(id);
    if (layer && (layer as unknown as { sourceLayer?: string }).sourceLayer !== sourceLayer) map.removeLayer(id);
  }
  if (!map.getLayer(FILL_ID)) {
    map.addLayer({ id: FILL_ID, type: 'fill', source: 'grids', 'source-layer': sourceLayer, paint: { 'fill-color': colour, 'fill-opacity': FILL_OPACITY } }, before);
  } else {
    map.setPaintProperty(FILL_ID, 'fill-color', colour);
  }
  const filter: FilterSpecification = ['==', ['get', 'code'], selected ?? ''];
  if (!map.getLayer(SELECTED_ID)) {
    map.addLayer({ id: SELECTED_ID, type: 'line', source: 'grids', 'source-layer': sourceLayer, filter, paint: { 'line-color': '#111827', 'line-width': 3 } });
  } else {
    map.setFilter(SELECTED_ID, filter);
  }
}

/** The code of the choropleth grid under a screen point, if any. */
export function codeAt(map: MlMap, point: { x: number; y: number }): string | null {
  if (!map.getLayer(FILL_ID)) return null;
  const hit = map.queryRenderedFeatures([point.x, point.y], { layers: [FILL_ID] })
    .find((f) => typeof f.properties?.code === 'string');
  return (hit?.properties?.code as string | undefined) ?? null;
}

/**
 * Open incidents and households per grid of a tier, read from the loaded grid tiles (the
 * tiles carry them for signed-in roles; /api/grids does not carry incident counts). A grid
 * cut by tile edges appears once per tile with the same figures.
 */
export function tileFigures(map: MlMap, tier: number): Map<string, { open: number; households: number }> {
  const out = new Map<string, { open: number; households: number }>();
  if (!map.getSource('grids')) return out;
  for (const f of map.querySourceFeatures('grids', { sourceLayer: `tier${tier}` })) {
    const p = f.properties ?? {};
    if (typeof p.code !== 'string' || typeof p.open !== 'number') continue;
    out.set(p.code, { open: p.open, households: typeof p.households === 'number' ? p.households : 0 });
  }
  return out;
}
