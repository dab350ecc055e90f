/** What a planner asks for (POST /api/partitions), with the defaults filled in. */
export interface PartitionParams {
  targetHouseholds: number | null;
  targetPeople: number | null;
  /** Band half-width as a share of the target: 0.2 = ±20 %. */
  tolerance: number;
  /** Barrier classes never crossed (unless one block alone exceeds the band). */
  hardClasses: string[];
  /** Barrier classes grids should follow; crossing them is allowed. */
  preferredClasses: string[];
  keepLowerBorders: boolean;
  /** Rural: coarser blocks (only hard and main-road classes cut) split only above the band, so whole villages stay units. */
  rural: boolean;
  seed: number;
  /** Compute the baselines (H3, k-means) and the current grids' metrics. */
  baselines: boolean;
}

/** Persons per household where a building has no population of its own. */
export const PERSONS_PER_HOUSEHOLD = 2.74;

export const DEFAULT_HARD = ['motorway', 'trunk', 'rail', 'light_rail', 'narrow_gauge', 'river', 'canal', 'coastline'];
export const DEFAULT_PREFERRED = [
  'primary', 'secondary', 'tertiary', 'unclassified', 'residential', 'living_street', 'pedestrian',
  'service', 'footway', 'steps', 'path', 'cycleway', 'track', 'tram', 'stream', 'subway', 'monorail', 'funicular', 'drain', 'ditch',
];
/** Rural mode follows only the main network between villages. */
export const RURAL_PREFERRED = ['primary', 'secondary', 'tertiary', 'unclassified', 'stream', 'tram'];

export function withDefaults(p: Partial<PartitionParams>): PartitionParams {
  const rural = p.rural ?? false;
  const targetPeople = p.targetPeople ?? null;
  return {
    targetHouseholds: targetPeople !== null ? null : (p.targetHouseholds ?? 200),
    targetPeople,
    tolerance: p.tolerance ?? 0.2,
    hardClasses: p.hardClasses ?? DEFAULT_HARD,
    preferredClasses: p.preferredClasses ?? (rural ? RURAL_PREFERRED : DEFAULT_PREFERRED),
    keepLowerBorders: p.keepLowerBorders ?? false,
    rural,
    seed: p.seed ?? 1,
    baselines: p.baselines ?? true,
  };
}

export interface Band { target: number; lo: number; hi: number; by: 'households' | 'people' }

export function band(p: PartitionParams): Band {
  const by = p.targetPeople !== null ? 'people' : 'households';
  const target = (by === 'people' ? p.targetPeople : p.targetHouseholds) as number;
  return { target, lo: target * (1 - p.tolerance), hi: target * (1 + p.tolerance), by };
}
