/**
 * The incident analyses behind GET /api/hotspots/gi and /emerging, callable without HTTP (the
 * tiles feature can draw hot-spot layers from them): units → neighbours → Gi* or the cube.
 */
import type { Queryable } from '../core/db.ts';
import { badRequest, unprocessable } from '../core/errors.ts';
import { MIN_FEATURES, runGi } from './analysis.ts';
import { CATEGORIES, emerging } from './emerging.ts';
import { fromLists, type Neighbours } from './gi.ts';
import { loadCube, loadUnits, rateOf, unitNeighbours, type Filter, type UnitQuery } from './units.ts';

export interface GiQuery extends UnitQuery {
  value: 'count' | 'rate';
  per: 'households' | 'population';
  permutations: number;
  seed: number;
  fdr: boolean;
}

export interface EmergingQuery extends UnitQuery {
  step: 'week' | 'month';
  fdr: boolean;
}

/** Gi* of incident counts or rates on H3 cells or grids. */
export async function incidentHotspots(db: Queryable, f: Filter, qs: GiQuery) {
  if (qs.per === 'population' && qs.unit !== 'grid') throw badRequest('population_needs_grids', 'Rates per resident are known for grids only; H3 cells have households');
  const units = await loadUnits(db, f, qs);
  let { w, description } = await unitNeighbours(db, f, qs, units);
  let keep = units.ids.map((_, i) => i);
  const warnings: string[] = [];
  if (qs.value === 'rate') {
    keep = keep.filter((i) => rateOf(units, i, qs.per) !== null);
    if (keep.length < units.ids.length) warnings.push(`${units.ids.length - keep.length} unit(s) without ${qs.per} are left out of the rate analysis.`);
    w = subset(w, keep);
  }
  if (keep.length < MIN_FEATURES) {
    throw unprocessable('too_few_features', `Gi* needs at least ${MIN_FEATURES} units and this selection has ${keep.length}${qs.unit === 'h3' ? '; use a finer resolution or a larger area' : '; use a lower tier or a larger area'}`, { units: keep.length });
  }
  const values = keep.map((i) => (qs.value === 'rate' ? rateOf(units, i, qs.per)! : units.counts[i]));
  if (values.every((v) => v === values[0])) throw unprocessable('no_variation', 'Every unit has the same value (no incidents?); Gi* is undefined');
  const run = runGi(values, w, { permutations: qs.permutations, seed: qs.seed, fdr: qs.fdr });
  const features = keep.map((i, r) => ({
    id: units.ids[i], name: units.names[i], count: units.counts[i], households: units.households[i], population: units.population[i],
    rate: rateOf(units, i, qs.per), ...run.rows[r],
  }));
  return { unit: qs.unit, res: units.res, tier: units.tier, jurisdictionId: f.jurisdictionId, neighbours: description, value: qs.value, per: qs.per, features, warnings: [...warnings, ...run.warnings], summary: run.summary };
}

/** Emerging hot spots: the cube, Gi* per step, Mann-Kendall, categories. */
export async function emergingHotspots(db: Queryable, f: Filter, qs: EmergingQuery) {
  const units = await loadUnits(db, f, qs);
  if (units.ids.length < MIN_FEATURES) throw unprocessable('too_few_features', `Gi* needs at least ${MIN_FEATURES} units and this selection has ${units.ids.length}`, { units: units.ids.length });
  const { w, description } = await unitNeighbours(db, f, qs, units);
  const cube = await loadCube(db, f, qs, units, qs.step);
  if (cube.steps.length < 4) throw unprocessable('too_few_steps', `A trend needs at least 4 time steps; this period has ${cube.steps.length} ${qs.step}(s)`, { steps: cube.steps.length });
  const warnings: string[] = [];
  if (cube.steps.length < 10) warnings.push(`Only ${cube.steps.length} time steps: ArcGIS asks for at least 10 for a reliable trend.`);
  const result = emerging(cube.counts, w, { fdr: qs.fdr });
  const categories: Record<string, number> = Object.fromEntries(CATEGORIES.map((c) => [c, 0]));
  const features = result.map((r, i) => {
    categories[r.category]++;
    return {
      id: units.ids[i], name: units.names[i], count: units.counts[i], households: units.households[i], population: units.population[i],
      rate: rateOf(units, i, 'households'),
      ...r, counts: cube.counts.map((ct) => ct[i]),
    };
  });
  return { unit: qs.unit, res: units.res, tier: units.tier, jurisdictionId: f.jurisdictionId, neighbours: description, step: qs.step, steps: cube.steps, categories, features, warnings };
}

/** Neighbours restricted to the kept units, renumbered. */
function subset(w: Neighbours, keep: number[]): Neighbours {
  const pos = new Map(keep.map((k, i) => [k, i]));
  return fromLists(keep.map((i) => Array.from(w.index.subarray(w.offsets[i], w.offsets[i + 1])).flatMap((j) => (pos.has(j) ? [pos.get(j)!] : []))));
}
