/**
 * The wall's own deck.gl layers (live pulses, the hot-spot and heat views), in a chunk the wall
 * loads once its map has drawn: the first paint need not wait for deck.gl to download and run.
 */
import type { Layer } from '@deck.gl/core';
import { ScatterplotLayer } from '@deck.gl/layers';
import { heatKernel, heatPoints } from '../analyst/heat.ts';
import { giLayer, heatmapLayer } from '../analyst/layers.ts';
import { pulseLook, type Pulse } from './pulses.ts';
import type { WallView } from './params.ts';
import type { WallGi, WallH3 } from './views.tsx';

const noHover = () => undefined;

/** Only significant cells are drawn: a wall shows where to look, not a grey carpet. */
export function viewLayers(view: WallView, gi: WallGi | null, h3: WallH3 | null, camera: { zoom: number; lat: number } | null): Layer[] {
  if (view === 'hotspots' && gi) return [giLayer(gi.features.filter((u) => u.gi_class !== 0), null, noHover)];
  if (view === 'heat' && h3 && camera) return [heatmapLayer(heatPoints(h3.cells, 'count'), heatKernel(h3.res, camera.zoom, camera.lat).radiusPixels)];
  return [];
}


export function pulseLayers(pulses: Pulse[], now: number, scale: number) {
  return [
    new ScatterplotLayer<Pulse>({
      id: 'live-pulses',
      data: pulses,
      stroked: true,
      filled: false,
      radiusUnits: 'pixels',
      lineWidthUnits: 'pixels',
      getPosition: (p) => p.position,
      getRadius: (p) => pulseLook(p, now).radius * scale,
      getLineWidth: 3 * scale,
      getLineColor: (p) => [...p.colour, pulseLook(p, now).alpha] as [number, number, number, number],
      updateTriggers: { getRadius: [now, scale], getLineColor: now },
      parameters: { depthCompare: 'always' },
    }),
    new ScatterplotLayer<Pulse>({
      id: 'live-dots',
      data: pulses,
      radiusUnits: 'pixels',
      getPosition: (p) => p.position,
      getRadius: 5 * scale,
      getFillColor: (p) => [...p.colour, p.kind === 'closed' ? pulseLook(p, now).alpha : 255] as [number, number, number, number],
      updateTriggers: { getFillColor: now, getRadius: scale },
      parameters: { depthCompare: 'always' },
    }),
  ];
}
