/**
 * The analyst's deck.gl layers. Each gets a stable id and only the data it draws; colours come
 * from classes.ts so that map, legend and export agree. Heatmaps are fed from H3 cell centres
 * weighted by their counts: a few thousand weighted points, never the incidents themselves.
 */
import type { Layer, PickingInfo } from '@deck.gl/core';
import { HeatmapLayer } from '@deck.gl/aggregation-layers';
import { H3HexagonLayer } from '@deck.gl/geo-layers';
import { GeoJsonLayer } from '@deck.gl/layers';
import type { EmergingUnit, GiUnit, GridShape, H3Cell } from './api.ts';
import type { HeatPoint } from './heat.ts';
import type { OwnFeature } from './OwnData.tsx';
import { emergingColour, GI_COLOURS, HEAT_RANGE, rampColour, type Rgba } from './classes.ts';

export type Hover = { x: number; y: number; object: unknown } | null;
type OnHover = (h: Hover) => void;

const hover = (onHover: OnHover) => (info: PickingInfo) => onHover(info.object ? { x: info.x, y: info.y, object: info.object } : null);

export const LAYER_IDS = { h3: 'analyst-h3', heatmap: 'analyst-heatmap', gi: 'analyst-gi', emerging: 'analyst-emerging', own: 'analyst-own' } as const;

export function h3CountLayer(cells: H3Cell[], metric: 'count' | 'rate', breaks: number[], onHover: OnHover): Layer {
  return new H3HexagonLayer<H3Cell>({
    id: LAYER_IDS.h3,
    data: cells,
    getHexagon: (d) => d.cell,
    getFillColor: (d) => {
      const v = metric === 'rate' ? d.rate : d.count;
      return v === null ? [160, 160, 160, 60] : rampColour(v, breaks);
    },
    extruded: false,
    stroked: true,
    getLineColor: [255, 255, 255, 160],
    lineWidthMinPixels: 0.5,
    pickable: true,
    onHover: hover(onHover),
    updateTriggers: { getFillColor: [metric, breaks.join(',')] },
  });
}

/** The kernel heatmap of weighted cell centres; the radius comes from heat.ts, in step with the zoom. */
export function heatmapLayer(points: HeatPoint[], radiusPixels: number): Layer {
  return new HeatmapLayer<HeatPoint>({
    id: LAYER_IDS.heatmap,
    data: points,
    getPosition: (d) => d.position,
    getWeight: (d) => d.weight,
    radiusPixels,
    intensity: 1,
    threshold: 0.05,
    colorRange: HEAT_RANGE,
    opacity: 0.8,
  });
}

/** Any per-unit result (Gi* classes, emerging categories) on H3 cells or on grid outlines. */
function unitLayer<U extends { id: string }>(id: string, units: U[], shapes: GridShape[] | null, colour: (u: U) => Rgba, trigger: unknown, onHover: OnHover): Layer {
  if (shapes) {
    const byCode = new Map(units.map((u) => [u.id, u]));
    const data = shapes.filter((s) => byCode.has(s.properties.code)).map((s) => ({ ...s, properties: { ...s.properties, unit: byCode.get(s.properties.code)! } }));
    return new GeoJsonLayer({
      id,
      data: data as never,
      filled: true,
      stroked: true,
      getFillColor: (f: { properties: { unit: U } }) => colour(f.properties.unit),
      getLineColor: [90, 90, 90, 200],
      lineWidthMinPixels: 1,
      pickable: true,
      onHover: (info: PickingInfo) => onHover(info.object ? { x: info.x, y: info.y, object: (info.object as { properties: { unit: U } }).properties.unit } : null),
      updateTriggers: { getFillColor: trigger },
    }) as unknown as Layer;
  }
  return new H3HexagonLayer<U>({
    id,
    data: units,
    getHexagon: (d) => d.id,
    getFillColor: colour,
    extruded: false,
    stroked: true,
    getLineColor: [255, 255, 255, 140],
    lineWidthMinPixels: 0.5,
    pickable: true,
    onHover: hover(onHover),
    updateTriggers: { getFillColor: trigger },
  });
}

export const giLayer = (units: GiUnit[], shapes: GridShape[] | null, onHover: OnHover): Layer =>
  unitLayer(LAYER_IDS.gi, units, shapes, (u) => GI_COLOURS[u.gi_class] ?? GI_COLOURS[0], units, onHover);

export const emergingLayer = (units: EmergingUnit[], shapes: GridShape[] | null, onHover: OnHover): Layer =>
  unitLayer(LAYER_IDS.emerging, units, shapes, (u) => emergingColour(u.category), units, onHover);

/** The analyst's own points or polygons (POST /api/hotspots/gi), in the Gi* classes. */
export function ownLayer(features: OwnFeature[], onHover: OnHover): Layer {
  return new GeoJsonLayer({
    id: LAYER_IDS.own,
    data: features as never,
    filled: true,
    stroked: true,
    pointType: 'circle',
    pointRadiusUnits: 'pixels',
    getPointRadius: 6,
    getFillColor: (f: OwnFeature) => { const c = GI_COLOURS[f.properties.gi_class] ?? GI_COLOURS[0]; return f.properties.gi_class === 0 ? [150, 150, 150, 160] : c; },
    getLineColor: [60, 60, 60, 220],
    lineWidthMinPixels: 1,
    pickable: true,
    onHover: (info: PickingInfo) => onHover(info.object ? { x: info.x, y: info.y, object: (info.object as OwnFeature).properties } : null),
  }) as unknown as Layer;
}
