/**
 * One Gi* run as the API reports it: z, two-sided p, FDR-corrected class, optional pseudo p,
 * and the warnings an analyst should read (few features, islands).
 */
import { classify, gi, islands, type Neighbours, type Transform } from './gi.ts';

export const MIN_FEATURES = 30;

export interface GiRunOptions {
  transform?: Transform;
  permutations?: number;
  seed?: number;
  /** Benjamini–Hochberg false-discovery-rate correction before classing (default true). */
  fdr?: boolean;
}

export interface GiRow {
  gi_z: number | null;
  gi_p: number | null;
  gi_class: number;
  gi_p_sim?: number;
}

export interface GiRun {
  rows: GiRow[];
  warnings: string[];
  summary: { features: number; hot: number; cold: number; islands: number; meanNeighbours: number; fdr: boolean; permutations: number; classedBy: 'p' | 'p_sim' };
}

const finite = (v: number) => (Number.isFinite(v) ? v : null);

export function runGi(values: ArrayLike<number>, w: Neighbours, opts: GiRunOptions = {}): GiRun {
  const permutations = opts.permutations ?? 0;
  const fdr = opts.fdr ?? true;
  const r = gi(values, w, { transform: opts.transform ?? 'B', star: true, permutations, seed: opts.seed });
  // With permutations the classes follow the pseudo p as esda and GeoDa read it (the folded
  // p_sim compared with 0.01/0.05/0.1 directly); otherwise the two-sided normal p.
  const pForClass = r.pSim ?? r.p;
  const classes = classify(r.z, pForClass, fdr);
  const rows: GiRow[] = [];
  let hot = 0;
  let cold = 0;
  for (let i = 0; i < values.length; i++) {
    const row: GiRow = { gi_z: finite(r.z[i]), gi_p: finite(r.p[i]), gi_class: classes[i] };
    if (r.pSim) row.gi_p_sim = r.pSim[i];
    if (classes[i] > 0) hot++;
    if (classes[i] < 0) cold++;
    rows.push(row);
  }
  const isl = islands(w);
  const warnings: string[] = [];
  if (values.length < MIN_FEATURES) warnings.push(`Only ${values.length} features: Gi* is unreliable below ${MIN_FEATURES} (ArcGIS's optimized hot spot analysis refuses them).`);
  if (isl.length > 0) warnings.push(`${isl.length} feature(s) have no neighbours and are compared with themselves only (first: ${isl.slice(0, 10).join(', ')}); widen the distance band or use k nearest neighbours.`);
  return {
    rows,
    warnings,
    summary: { features: values.length, hot, cold, islands: isl.length, meanNeighbours: values.length ? w.index.length / values.length : 0, fdr, permutations, classedBy: r.pSim ? 'p_sim' : 'p' },
  };
}
