import type { ExpressionSpecification, LayerSpecification, StyleSpecification } from 'maplibre-gl';
import { INCIDENTS_TILESET, type TileJson } from './tilesets.ts';

export type Theme = 'light' | 'dark';

/** Zoom at which each tier takes over, given the zoom that fits the whole jurisdiction. */
export function tierZooms(fitZoom: number, tiers: number): number[] {
  // Tier 1 from the start; each deeper tier about 1.5 zoom levels later (×2.8 in scale).
  return Array.from({ length: tiers }, (_, i) => (i === 0 ? 0 : fitZoom + 0.75 + 1.5 * (i - 1)));
}

/** The tier whose names and outlines lead at this zoom. */
export function tierAt(zoom: number, zooms: number[]): number {
  let tier = 1;
  zooms.forEach((z, i) => { if (zoom >= z) tier = i + 1; });
  return tier;
}

const PALETTE = {
  light: {
    background: '#f3f1ec', water: '#a9cfe8', park: '#cfe3c3', building: '#d9d2c7', buildingLine: '#c4bbad',
    roadMajor: '#ffffff', roadMinor: '#fbfaf7', roadCasing: '#c9c1b4', rail: '#8c8c8c', waterLine: '#7fb2d6',
    tiers: ['#b3001b', '#d9570a', '#1f6fb2', '#5b3fa6', '#2a7d4f'],
  },
  dark: {
    background: '#0b1220', water: '#0f2a44', park: '#10261c', building: '#1b2535', buildingLine: '#243147',
    roadMajor: '#3a4a63', roadMinor: '#26324a', roadCasing: '#0b1220', rail: '#56627a', waterLine: '#1d4f7a',
    tiers: ['#ff5470', '#ffb020', '#38bdf8', '#a78bfa', '#34d399'],
  },
} as const;

const MAJOR: ExpressionSpecification = ['match', ['get', 'class'], ['motorway', 'trunk', 'primary', 'secondary'], true, false];

/** Opacity that fades in over the half zoom before `start` and out over the half zoom before `end`. */
function fadeInOut(start: number | null, end: number | null, full: number): ExpressionSpecification | number {
  const stops: number[] = [];
  if (start !== null) stops.push(start - 0.5, 0, start, full);
  if (end !== null) stops.push(end - 0.5, full, end, 0);
  if (stops.length === 0) return full;
  return ['interpolate', ['linear'], ['zoom'], ...stops] as ExpressionSpecification;
}

/**
 * The whole map style from Wangge's own tiles: no external servers, so it works offline.
 * Grid tiers fade in and out around their hand-over zooms.
 */
export function buildStyle(opts: { basemap: TileJson; grids: TileJson; incidents?: TileJson; theme: Theme; tierZooms: number[] }): StyleSpecification {
  const c = PALETTE[opts.theme];
  const layers: LayerSpecification[] = [
    { id: 'background', type: 'background', paint: { 'background-color': c.background } },
    { id: 'basemap-water', type: 'fill', source: 'basemap', 'source-layer': 'areas', filter: ['==', ['get', 'kind'], 'water'], paint: { 'fill-color': c.water } },
    { id: 'basemap-park', type: 'fill', source: 'basemap', 'source-layer': 'areas', filter: ['==', ['get', 'kind'], 'park'], paint: { 'fill-color': c.park } },
    { id: 'basemap-buildings', type: 'fill', source: 'basemap', 'source-layer': 'buildings', minzoom: 14, paint: { 'fill-color': c.building, 'fill-outline-color': c.buildingLine, 'fill-opacity': ['interpolate', ['linear'], ['zoom'], 14, 0, 15, 1] } },
    { id: 'basemap-water-lines', type: 'line', source: 'basemap', 'source-layer': 'barriers', filter: ['in', ['get', 'kind'], ['literal', ['water', 'coast']]], paint: { 'line-color': c.waterLine, 'line-width': 1.2 } },
    { id: 'basemap-road-casing', type: 'line', source: 'basemap', 'source-layer': 'barriers', filter: ['==', ['get', 'kind'], 'road'], layout: { 'line-cap': 'round', 'line-join': 'round' }, paint: { 'line-color': c.roadCasing, 'line-width': ['interpolate', ['exponential', 1.5], ['zoom'], 12, ['case', MAJOR, 2.5, 0.8], 18, ['case', MAJOR, 22, 10]] } },
    { id: 'basemap-roads', type: 'line', source: 'basemap', 'source-layer': 'barriers', filter: ['==', ['get', 'kind'], 'road'], layout: { 'line-cap': 'round', 'line-join': 'round' }, paint: { 'line-color': ['case', MAJOR, c.roadMajor, c.roadMinor], 'line-width': ['interpolate', ['exponential', 1.5], ['zoom'], 12, ['case', MAJOR, 1.5, 0.3], 18, ['case', MAJOR, 19, 8]] } },
    { id: 'basemap-rail', type: 'line', source: 'basemap', 'source-layer': 'barriers', filter: ['==', ['get', 'kind'], 'railway'], paint: { 'line-color': c.rail, 'line-width': 1.5, 'line-dasharray': [3, 2] } },
  ];
  opts.tierZooms.forEach((start, i) => {
    const tier = i + 1;
    const next = opts.tierZooms[i + 1];
    const color = c.tiers[i % c.tiers.length];
    // Deeper tiers fade in after their start; a parent's border stays, thicker, when its children lead.
    const opacity: ExpressionSpecification | number = tier === 1 ? 1 : ['interpolate', ['linear'], ['zoom'], start - 0.5, 0, start + 0.25, 1];
    layers.push({
      id: `grids-tier${tier}-fill`, type: 'fill', source: 'grids', 'source-layer': `tier${tier}`,
      minzoom: Math.max(0, start - 0.5),
      ...(next !== undefined ? { maxzoom: next + 0.5 } : {}),
      paint: { 'fill-color': color, 'fill-opacity': fadeInOut(tier === 1 ? null : start, next ?? null, 0.07) },
    });
    layers.push({
      id: `grids-tier${tier}-line`, type: 'line', source: 'grids', 'source-layer': `tier${tier}`,
      minzoom: Math.max(0, start - 0.5),
      layout: { 'line-join': 'round' },
      paint: { 'line-color': color, 'line-opacity': opacity, 'line-width': Math.max(1, 3.2 - 0.9 * i) * (opts.theme === 'dark' ? 1.3 : 1) },
    });
  });
  if (opts.incidents) layers.push(...incidentLayers(opts.theme));
  return {
    version: 8,
    // The attribution is the view's own, in the user's language (MapView's customAttribution),
    // so the sources carry none and it is not shown twice.
    sources: {
      ...(opts.incidents ? { [INCIDENTS_TILESET]: { type: 'vector' as const, tiles: opts.incidents.tiles, minzoom: opts.incidents.minzoom, maxzoom: opts.incidents.maxzoom, bounds: opts.incidents.bounds } } : {}),
      basemap: { type: 'vector', tiles: opts.basemap.tiles, minzoom: opts.basemap.minzoom, maxzoom: opts.basemap.maxzoom, bounds: opts.basemap.bounds },
      grids: { type: 'vector', tiles: opts.grids.tiles, minzoom: opts.grids.minzoom, maxzoom: opts.grids.maxzoom, bounds: opts.grids.bounds },
    },
    layers,
  };
}

/** Deadline lights as the field knows them. */
export const LIGHT_COLOURS: Record<string, string> = { green: '#22c55e', yellow: '#facc15', red: '#ef4444', none: '#94a3b8' };
/** Far out the maps draw open counts per bin in this colour, below this zoom; single incidents from it on. */
export const INCIDENT_BINS = { colour: '#f97316', maxzoom: 14 } as const;

/**
 * Open incidents from the tiles: open counts per bin far out (never a million points on the
 * wire), single incidents in their light colours close in.
 */
function incidentLayers(theme: Theme): LayerSpecification[] {
  const dark = theme === 'dark';
  return [
    {
      id: 'incidents-bins', type: 'circle', source: INCIDENTS_TILESET, 'source-layer': 'incident_bins', maxzoom: INCIDENT_BINS.maxzoom,
      paint: {
        'circle-color': INCIDENT_BINS.colour,
        'circle-opacity': dark ? 0.75 : 0.6,
        'circle-radius': ['interpolate', ['linear'], ['sqrt', ['get', 'open']], 1, 2.5, 10, 9, 40, 20],
        'circle-stroke-width': 0.5,
        'circle-stroke-color': dark ? '#0b1220' : '#ffffff',
      },
    },
    {
      id: 'incidents-points', type: 'circle', source: INCIDENTS_TILESET, 'source-layer': 'incidents', minzoom: 14,
      paint: {
        'circle-color': ['match', ['get', 'light'], 'red', LIGHT_COLOURS.red, 'yellow', LIGHT_COLOURS.yellow, 'green', LIGHT_COLOURS.green, LIGHT_COLOURS.none],
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 14, 3.5, 18, 8],
        'circle-stroke-width': 1,
        'circle-stroke-color': dark ? '#0b1220' : '#ffffff',
      },
    },
  ];
}
