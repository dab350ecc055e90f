import type { Layer, PickingInfo } from '@deck.gl/core';
import { ScatterplotLayer } from '@deck.gl/layers';
import { lightColour } from '../wall/pulses.ts';
import type { Incident } from './api.ts';

/**
 * The incident centre's deck.gl layers over the incident tiles: the listed page (rings in their
 * light colours, clickable, so the page is visible at every zoom), the selected incident (a wide
 * blue halo) and the point a report will be placed at (a cross-hair dot).
 */
export function incidentCentreLayers(opts: {
  items: Incident[];
  selected: Incident | null;
  pick: [number, number] | null;
  pickable: boolean;
  onSelect(id: number): void;
}): Layer[] {
  const layers: Layer[] = [
    new ScatterplotLayer<Incident>({
      id: 'inc-page',
      data: opts.items,
      getPosition: (d) => [d.lng, d.lat],
      getFillColor: (d) => [...lightColour(d.light), 90],
      getLineColor: (d) => [...lightColour(d.light), 255],
      stroked: true,
      filled: true,
      lineWidthUnits: 'pixels',
      getLineWidth: 2,
      radiusUnits: 'pixels',
      getRadius: 6,
      pickable: opts.pickable,
      onClick: (info: PickingInfo<Incident>) => {
        if (info.object) opts.onSelect(info.object.id);
        return true;
      },
    }),
  ];
  if (opts.selected) {
    layers.push(new ScatterplotLayer<Incident>({
      id: 'inc-selected',
      data: [opts.selected],
      getPosition: (d) => [d.lng, d.lat],
      getFillColor: (d) => [...lightColour(d.light), 255],
      getLineColor: [31, 111, 178, 255],
      stroked: true,
      lineWidthUnits: 'pixels',
      getLineWidth: 4,
      radiusUnits: 'pixels',
      getRadius: 12,
      updateTriggers: { getFillColor: [opts.selected.light] },
    }));
  }
  if (opts.pick) {
    layers.push(new ScatterplotLayer<[number, number]>({
      id: 'inc-report-pick',
      data: [opts.pick],
      getPosition: (d) => d,
      getFillColor: [200, 16, 46, 255],
      getLineColor: [255, 255, 255, 255],
      stroked: true,
      lineWidthUnits: 'pixels',
      getLineWidth: 3,
      radiusUnits: 'pixels',
      getRadius: 9,
    }));
  }
  return layers;
}
