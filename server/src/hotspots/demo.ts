import type { DemoStep } from '../osm/demo.ts';
import { fillCells } from './h3cells.ts';

/**
 * What the hotspots feature adds to the demo area on first start: nothing new, but the H3 cells
 * of the demo's households and incidents are computed now, so the first analysis is fast.
 */
export const hotspotsDemo: DemoStep = async (db, jurisdictionId, _config, onProgress) => {
  onProgress('hotspots: H3 cells of households', 0, 2);
  await fillCells(db, 'households', jurisdictionId);
  onProgress('hotspots: H3 cells of incidents', 1, 2);
  await fillCells(db, 'incidents', jurisdictionId);
  onProgress('hotspots: H3 cells', 2, 2);
};
