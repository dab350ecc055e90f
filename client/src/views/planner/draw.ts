import type { Map as MlMap } from 'maplibre-gl';
import { TerraDraw, TerraDrawLineStringMode, TerraDrawPolygonMode } from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';

/**
 * Drawing a line or a polygon on the planner's map with terra-draw (a maintained drawing
 * library with a MapLibre adapter). Line: click the points, then click the last point again
 * (or press Enter). Polygon: click the corners, then the first corner again (or Enter).
 */
export type DrawShape = 'linestring' | 'polygon';

/**
 * How near (px) a click must land to the first corner (or the last point) to close the polygon
 * or finish the line. terra-draw's default is 40 px: at the proposal's zoom a block is often
 * 20–40 px across, so a small polygon around one block closed by itself at its fourth corner
 * (any corner within 40 px of the first) and went to the server as a triangle the user never
 * drew. 12 px is the closing corner's dot (radius 6 px) with room for an unsteady hand.
 */
export const CLOSE_PX = 12;

declare global {
  interface Window {
    /** For the browser tests: the drawing in progress, the map it is on, and CLOSE_PX. */
    __wanggePlannerDraw?: { draw: TerraDraw; map: MlMap; closePx: number };
  }
}

export function startDrawing(map: MlMap, shape: DrawShape, onDone: (g: GeoJSON.LineString | GeoJSON.Polygon) => void): () => void {
  const draw = new TerraDraw({
    adapter: new TerraDrawMapLibreGLAdapter({ map, prefixId: 'pl-draw' }),
    modes: [
      new TerraDrawLineStringMode({ pointerDistance: CLOSE_PX, styles: { lineStringColor: '#c8102e', lineStringWidth: 3, closingPointColor: '#c8102e' } }),
      new TerraDrawPolygonMode({ pointerDistance: CLOSE_PX, styles: { fillColor: '#c8102e', fillOpacity: 0.15, outlineColor: '#c8102e', outlineWidth: 3 } }),
    ],
  });
  draw.start();
  draw.setMode(shape);
  window.__wanggePlannerDraw = { draw, map, closePx: CLOSE_PX };
  let stopped = false;
  draw.on('finish', (id) => {
    const f = draw.getSnapshotFeature(id);
    if (!f || (f.geometry.type !== 'LineString' && f.geometry.type !== 'Polygon')) return;
    onDone(f.geometry as GeoJSON.LineString | GeoJSON.Polygon);
  });
  return () => {
    if (stopped) return;
    stopped = true;
    if (window.__wanggePlannerDraw?.draw === draw) delete window.__wanggePlannerDraw;
    try { draw.stop(); } catch { /* the map is gone already */ }
  };
}
