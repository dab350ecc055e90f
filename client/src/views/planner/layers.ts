import type { Layer, PickingInfo } from '@deck.gl/core';
import { FillStyleExtension } from '@deck.gl/extensions';
import { GeoJsonLayer, PathLayer, ScatterplotLayer } from '@deck.gl/layers';
import type { BlockCollection, BlockFeature, GridCollection, GridFeature } from './api.ts';
import { deviationColour, hatchAtlas, type RGBA } from './colour.ts';

/** deck.gl layers of the planner's maps: grids by deviation, flagged grids hatched, blocks, the drawn area. */

export interface Hover { x: number; y: number; grid?: GridFeature['properties']; block?: BlockFeature['properties'] }

const FLAG: RGBA = [106, 27, 154, 255];
const SELECTED: RGBA = [200, 16, 46, 255];
let hatch: ReturnType<typeof hatchAtlas> | undefined;

export function gridLayers(id: string, grids: GridCollection | null, opts: {
  tolerance: number; selected?: number[]; pickable: boolean;
  onHover?(h: Hover | null): void; onClick?(grid: GridFeature['properties'], shift: boolean): void;
}): Layer[] {
  if (!grids) return [];
  const selected = opts.selected ?? [];
  const layers: Layer[] = [
    new GeoJsonLayer<GridFeature['properties']>({
      id: `${id}-fill`,
      data: grids as never,
      filled: true,
      stroked: true,
      getFillColor: (f) => deviationColour(f.properties.deviation, opts.tolerance),
      getLineColor: [40, 44, 52, 230],
      getLineWidth: 1.5,
      lineWidthUnits: 'pixels',
      pickable: opts.pickable,
      autoHighlight: opts.pickable,
      highlightColor: [255, 255, 255, 70],
      onHover: (info: PickingInfo) => opts.onHover?.(info.object ? { x: info.x, y: info.y, grid: (info.object as GridFeature).properties } : null),
      onClick: (info: PickingInfo, ev: { srcEvent?: { shiftKey?: boolean } }) => {
        if (info.object) opts.onClick?.((info.object as GridFeature).properties, Boolean(ev?.srcEvent?.shiftKey));
      },
      updateTriggers: { getFillColor: [opts.tolerance] },
    }) as unknown as Layer,
  ];
  const flagged = grids.features.filter((f) => f.properties.flag);
  if (flagged.length > 0) {
    hatch ??= hatchAtlas();
    layers.push(new GeoJsonLayer({
      id: `${id}-flagged`,
      data: { type: 'FeatureCollection', features: flagged } as never,
      filled: Boolean(hatch),
      stroked: true,
      getFillColor: [FLAG[0], FLAG[1], FLAG[2], 150],
      getLineColor: FLAG,
      getLineWidth: 3,
      lineWidthUnits: 'pixels',
      pickable: false,
      ...(hatch ? {
        extensions: [new FillStyleExtension({ pattern: true })],
        fillPatternAtlas: hatch.atlas, fillPatternMapping: hatch.mapping, fillPatternMask: true,
        getFillPattern: () => 'hatch', getFillPatternScale: 1,
      } : {}),
    } as never) as unknown as Layer);
  }
  const chosen = grids.features.filter((f) => selected.includes(f.properties.seq));
  if (chosen.length > 0) {
    layers.push(new GeoJsonLayer({
      id: `${id}-selected`,
      data: { type: 'FeatureCollection', features: chosen } as never,
      filled: false, stroked: true,
      getLineColor: SELECTED, getLineWidth: 4, lineWidthUnits: 'pixels',
      pickable: false,
      updateTriggers: { getLineColor: [selected.join(',')] },
    }) as unknown as Layer);
  }
  return layers;
}

/** The blocks a planner moves between grids: thin outlines, the selected grid's tinted. */
export function blockLayer(blocks: BlockCollection | null, opts: { into: number | null; onHover?(h: Hover | null): void; onClick?(b: BlockFeature['properties']): void }): Layer[] {
  if (!blocks) return [];
  return [new GeoJsonLayer<BlockFeature['properties']>({
    id: 'blocks',
    data: blocks as never,
    filled: true, stroked: true,
    getFillColor: (f) => (f.properties.gridSeq === opts.into ? [200, 16, 46, 60] : [0, 0, 0, 0]),
    getLineColor: [70, 70, 70, 160],
    getLineWidth: 1,
    lineWidthUnits: 'pixels',
    pickable: true,
    autoHighlight: true,
    highlightColor: [255, 200, 0, 140],
    onHover: (info: PickingInfo) => opts.onHover?.(info.object ? { x: info.x, y: info.y, block: (info.object as BlockFeature).properties } : null),
    onClick: (info: PickingInfo) => { if (info.object) opts.onClick?.((info.object as BlockFeature).properties); },
    updateTriggers: { getFillColor: [opts.into] },
  }) as unknown as Layer];
}

/** The area being chosen: a picked grid's outline, or the polygon being drawn. */
export function areaLayers(area: GeoJSON.Geometry | null, drawing: [number, number][]): Layer[] {
  const layers: Layer[] = [];
  if (area) {
    layers.push(new GeoJsonLayer({
      id: 'area', data: { type: 'Feature', geometry: area, properties: {} } as never,
      filled: true, stroked: true, getFillColor: [200, 16, 46, 30], getLineColor: [200, 16, 46, 255], getLineWidth: 3, lineWidthUnits: 'pixels',
    }) as unknown as Layer);
  }
  if (drawing.length > 0) {
    layers.push(new PathLayer({ id: 'draw-path', data: [{ path: drawing }], getPath: (d: { path: [number, number][] }) => d.path, getColor: [200, 16, 46, 255], getWidth: 2, widthUnits: 'pixels' }) as unknown as Layer);
    layers.push(new ScatterplotLayer({ id: 'draw-points', data: drawing, getPosition: (d: [number, number]) => d, getRadius: 4, radiusUnits: 'pixels', getFillColor: [200, 16, 46, 255] }) as unknown as Layer);
  }
  return layers;
}

/** [west, south, east, north] of a geometry or collection. */
export function boundsOf(g: GeoJSON.Geometry | GridCollection | null): [number, number, number, number] | null {
  if (!g) return null;
  let w = Infinity; let s = Infinity; let e = -Infinity; let n = -Infinity;
  const walk = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      w = Math.min(w, c[0] as number); e = Math.max(e, c[0] as number); s = Math.min(s, c[1] as number); n = Math.max(n, c[1] as number);
    } else if (Array.isArray(c)) for (const x of c) walk(x);
  };
  if ('features' in g) for (const f of g.features) walk(f.geometry.coordinates);
  else if ('coordinates' in g) walk(g.coordinates);
  return Number.isFinite(w) ? [w, s, e, n] : null;
}
