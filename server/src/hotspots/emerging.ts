/**
 * Emerging hot spot analysis on a space-time cube (unit × time step): Gi* per step, a
 * Mann-Kendall trend per unit, and the categories of ArcGIS Pro's Emerging Hot Spot Analysis
 * ("How Emerging Hot Spot Analysis works"), hot and cold.
 *
 * Differences from ArcGIS, on purpose: neighbours are spatial only within each step (ArcGIS can
 * add earlier steps as neighbours); the 90 % rule and the trend test follow its definitions.
 */
import { classify, gi, normalSf, type Neighbours } from './gi.ts';

export const CATEGORIES = [
  'new_hot', 'consecutive_hot', 'intensifying_hot', 'persistent_hot', 'diminishing_hot', 'sporadic_hot', 'oscillating_hot', 'historical_hot',
  'new_cold', 'consecutive_cold', 'intensifying_cold', 'persistent_cold', 'diminishing_cold', 'sporadic_cold', 'oscillating_cold', 'historical_cold',
  'no_pattern',
] as const;
export type Category = (typeof CATEGORIES)[number];

export interface Trend { s: number; tau: number; z: number; p: number }

/** Mann-Kendall trend test with the tie correction; p two-sided, z with continuity correction. */
export function mannKendall(x: ArrayLike<number>): Trend {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n - 1; i++) for (let j = i + 1; j < n; j++) s += Math.sign(x[j] - x[i]);
  const ties = new Map<number, number>();
  for (let i = 0; i < n; i++) ties.set(x[i], (ties.get(x[i]) ?? 0) + 1);
  let tieTerm = 0;
  for (const t of ties.values()) tieTerm += t * (t - 1) * (2 * t + 5);
  const variance = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;
  const z = variance > 0 ? (s > 0 ? (s - 1) / Math.sqrt(variance) : s < 0 ? (s + 1) / Math.sqrt(variance) : 0) : 0;
  const pairs = (n * (n - 1)) / 2;
  return { s, tau: pairs > 0 ? s / pairs : 0, z, p: 2 * normalSf(Math.abs(z)) };
}

/**
 * The category of one unit from its per-step classes (sign = hot/cold, 0 = not significant)
 * and the Mann-Kendall trend of its per-step Gi* z-scores.
 */
export function categorise(classes: ArrayLike<number>, zTrend: Trend, alpha = 0.05): Category {
  const n = classes.length;
  if (n === 0) return 'no_pattern';
  for (const sign of [1, -1] as const) {
    const kind = sign > 0 ? 'hot' : 'cold';
    const is = (t: number) => Math.sign(classes[t]) === sign;
    const opposite = (t: number) => Math.sign(classes[t]) === -sign;
    let count = 0;
    for (let t = 0; t < n; t++) if (is(t)) count++;
    const share = count / n;
    if (!is(n - 1)) continue;
    if (share >= 0.9) {
      // Intensifying hot: z rising; intensifying cold: z falling (ever colder).
      const rising = zTrend.p < alpha && zTrend.z > 0;
      const falling = zTrend.p < alpha && zTrend.z < 0;
      if (sign > 0 ? rising : falling) return `intensifying_${kind}`;
      if (sign > 0 ? falling : rising) return `diminishing_${kind}`;
      return `persistent_${kind}`;
    }
    let run = 0;
    while (run < n && is(n - 1 - run)) run++;
    let before = false;
    for (let t = 0; t < n - run; t++) if (is(t)) before = true;
    if (!before && run === 1) return `new_${kind}`;
    if (!before && run >= 2) return `consecutive_${kind}`;
    let everOpposite = false;
    for (let t = 0; t < n; t++) if (opposite(t)) everOpposite = true;
    return everOpposite ? `oscillating_${kind}` : `sporadic_${kind}`;
  }
  for (const sign of [1, -1] as const) {
    let count = 0;
    for (let t = 0; t < n; t++) if (Math.sign(classes[t]) === sign) count++;
    if (count / n >= 0.9) return sign > 0 ? 'historical_hot' : 'historical_cold';
  }
  return 'no_pattern';
}

export interface EmergingUnit {
  category: Category;
  /** Mann-Kendall on the unit's counts per step (the cube's own trend). */
  countTrend: Trend;
  /** Mann-Kendall on the unit's Gi* z per step (what the categories read). */
  zTrend: Trend;
  hotSteps: number;
  coldSteps: number;
  /** Per step: the FDR-corrected class. */
  classes: number[];
}

/** counts[t][u]: incidents of unit u in step t. */
export function emerging(counts: ArrayLike<number>[], w: Neighbours, opts: { fdr?: boolean } = {}): EmergingUnit[] {
  const steps = counts.length;
  const units = w.n;
  const z: Float64Array[] = [];
  const cls: Int8Array[] = [];
  for (let t = 0; t < steps; t++) {
    const r = gi(counts[t], w, { transform: 'B', star: true });
    const zt = r.z.map((v) => (Number.isFinite(v) ? v : 0));
    z.push(zt);
    cls.push(classify(zt, r.p.map((v) => (Number.isFinite(v) ? v : 1)), opts.fdr ?? true));
  }
  const out: EmergingUnit[] = [];
  for (let u = 0; u < units; u++) {
    const zs = z.map((zt) => zt[u]);
    const cs = cls.map((ct) => ct[u]);
    const zTrend = mannKendall(zs);
    out.push({
      category: categorise(cs, zTrend),
      countTrend: mannKendall(counts.map((ct) => ct[u])),
      zTrend,
      hotSteps: cs.filter((c) => c > 0).length,
      coldSteps: cs.filter((c) => c < 0).length,
      classes: cs,
    });
  }
  return out;
}
