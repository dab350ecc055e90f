/**
 * Getis-Ord local G / G* (Getis & Ord 1992, Ord & Getis 1995) in plain TypeScript, computed the
 * way PySAL esda's `G_Local` computes it (esda/getisord.py, `calc`), so its published values are
 * reproduced exactly (see gi.test.ts and fixtures/esda-getisord-points.json).
 *
 * Weights are binary neighbour lists (every neighbour type Wangge offers is binary). With
 * `star` the focal observation is its own neighbour with weight 1 before the transform
 * (esda's `star=True` with binary input); `transform: 'R'` then row-standardises.
 * With binary weights and star, z equals ArcGIS's Gi* z-score.
 */

import { mulberry32 } from '../core/random.ts';

/** Neighbour lists in compressed rows: the neighbours of i are `index[offsets[i]..offsets[i+1])`, never i itself. */
export interface Neighbours {
  n: number;
  offsets: Int32Array;
  index: Int32Array;
}

export type Transform = 'B' | 'R';

export interface GiOptions {
  transform?: Transform;
  /** Include the focal value (Gi*). Default true. */
  star?: boolean;
  /** Conditional permutations for a pseudo p-value; 0 = none. */
  permutations?: number;
  seed?: number;
}

export interface GiResult {
  /** The local statistic G_i (esda `Gs`). */
  g: Float64Array;
  /** z-scores (esda `Zs`); NaN where undefined (no variation, or an island in plain Gi). */
  z: Float64Array;
  /** Two-sided normal p-value, 2·(1 − Φ(|z|)) (esda's `p_norm` is the one-sided half of this). */
  p: Float64Array;
  /** Folded one-sided pseudo p-value as esda's `p_sim` ((min(larger, P − larger) + 1) / (P + 1)); only when permuted. */
  pSim?: Float64Array;
}

/** Builds Neighbours from adjacency lists (duplicates and self-references are dropped). */
export function fromLists(lists: ArrayLike<number>[] | number[][]): Neighbours {
  const n = lists.length;
  const offsets = new Int32Array(n + 1);
  const flat: number[] = [];
  for (let i = 0; i < n; i++) {
    const seen = new Set<number>();
    for (const j of Array.from(lists[i])) {
      if (j === i || seen.has(j)) continue;
      if (!(j >= 0 && j < n)) throw new RangeError(`neighbour ${j} of ${i} out of range`);
      seen.add(j);
      flat.push(j);
    }
    offsets[i + 1] = flat.length;
  }
  return { n, offsets, index: Int32Array.from(flat) };
}

export const cardinality = (w: Neighbours, i: number) => w.offsets[i + 1] - w.offsets[i];

/** Features without any neighbour (other than themselves). */
export function islands(w: Neighbours): number[] {
  const out: number[] = [];
  for (let i = 0; i < w.n; i++) if (cardinality(w, i) === 0) out.push(i);
  return out;
}

export function gi(values: ArrayLike<number>, w: Neighbours, opts: GiOptions = {}): GiResult {
  const transform = opts.transform ?? 'B';
  const star = opts.star ?? true;
  const n = values.length;
  if (w.n !== n) throw new RangeError(`weights are for ${w.n} features, values for ${n}`);
  const y = Float64Array.from(values);
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) { sum += y[i]; sumSq += y[i] * y[i]; }
  const g = new Float64Array(n);
  const z = new Float64Array(n);
  const p = new Float64Array(n);
  const self = star ? 1 : 0;
  const N = star ? n : n - 1;
  for (let i = 0; i < n; i++) {
    const card = cardinality(w, i);
    let lag = star ? y[i] : 0;
    for (let k = w.offsets[i]; k < w.offsets[i + 1]; k++) lag += y[w.index[k]];
    // Row sums of the (possibly row-standardised) weights: esda's `cardinality`.
    const rowCount = card + self;
    const weight = transform === 'R' ? (rowCount > 0 ? 1 / rowCount : 0) : 1;
    const rowSum = transform === 'R' ? (rowCount > 0 ? 1 : 0) : rowCount;
    const denom = star ? sum : sum - y[i];
    g[i] = (lag * weight) / denom;
    const mean = (star ? sum : sum - y[i]) / N;
    const meanSq = (star ? sumSq : sumSq - y[i] * y[i]) / N;
    const variance = meanSq - mean * mean;
    const ev = rowSum / N;
    const vg = ((rowSum * (N - rowSum)) / (N - 1) / (N * N)) * (variance / (mean * mean));
    z[i] = vg > 0 && Number.isFinite(vg) ? (g[i] - ev) / Math.sqrt(vg) : Number.NaN;
    p[i] = Number.isFinite(z[i]) ? 2 * normalSf(Math.abs(z[i])) : Number.NaN;
  }
  const result: GiResult = { g, z, p };
  if (opts.permutations && opts.permutations > 0) result.pSim = permutationP(y, w, g, { transform, star, permutations: opts.permutations, seed: opts.seed ?? 12345 });
  return result;
}

/**
 * Conditional randomisation as esda's `crand`: one table of random draws (without replacement)
 * from the n − 1 other observations per permutation, shared by all features; for feature i a
 * draw r maps to observation r (r < i) or r + 1 (r ≥ i), so i is never its own random neighbour.
 */
function permutationP(y: Float64Array, w: Neighbours, g: Float64Array, o: { transform: Transform; star: boolean; permutations: number; seed: number }): Float64Array {
  const n = y.length;
  const P = o.permutations;
  let k = 0;
  for (let i = 0; i < n; i++) k = Math.max(k, cardinality(w, i));
  k = Math.min(k, n - 1);
  const rand = mulberry32(o.seed);
  const table = new Int32Array(P * k);
  const pool = new Int32Array(Math.max(n - 1, 0));
  for (let i = 0; i < pool.length; i++) pool[i] = i;
  for (let s = 0; s < P; s++) {
    // Partial Fisher–Yates over the pool: the first k slots are a uniform sample without replacement.
    for (let t = 0; t < k; t++) {
      const r = t + Math.floor(rand() * (pool.length - t));
      const tmp = pool[t]; pool[t] = pool[r]; pool[r] = tmp;
      table[s * k + t] = pool[t];
    }
  }
  let sum = 0;
  for (let i = 0; i < n; i++) sum += y[i];
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const card = cardinality(w, i);
    const rowCount = card + (o.star ? 1 : 0);
    const weight = o.transform === 'R' ? 1 / rowCount : 1;
    const denom = o.star ? sum : sum - y[i];
    const selfPart = o.star ? y[i] : 0;
    const observed = g[i];
    let larger = 0;
    for (let s = 0; s < P; s++) {
      let lag = selfPart;
      const base = s * k;
      for (let t = 0; t < card; t++) {
        const r = table[base + t];
        lag += y[r < i ? r : r + 1];
      }
      if ((lag * weight) / denom >= observed) larger++;
    }
    if (P - larger < larger) larger = P - larger;
    out[i] = (larger + 1) / (P + 1);
  }
  return out;
}


/**
 * Upper tail of the standard normal, 1 − Φ(x), by Hart's algorithm (1968) as given by
 * G. West, "Better approximations to cumulative normal functions" (2005): double precision
 * across the whole range, no cancellation in the tail.
 */
export function normalSf(x: number): number {
  return normalCdf(-x);
}

export function normalCdf(x: number): number {
  const a = Math.abs(x);
  let c: number;
  if (a > 37) c = 0;
  else {
    const e = Math.exp((-a * a) / 2);
    if (a < 7.07106781186547) {
      let b = 3.52624965998911e-2 * a + 0.700383064443688;
      b = b * a + 6.37396220353165;
      b = b * a + 33.912866078383;
      b = b * a + 112.079291497871;
      b = b * a + 221.213596169931;
      b = b * a + 220.206867912376;
      c = e * b;
      b = 8.83883476483184e-2 * a + 1.75566716318264;
      b = b * a + 16.064177579207;
      b = b * a + 86.7807322029461;
      b = b * a + 296.564248779674;
      b = b * a + 637.333633378831;
      b = b * a + 793.826512519948;
      b = b * a + 440.413735824752;
      c /= b;
    } else {
      let b = a + 0.65;
      b = a + 4 / b;
      b = a + 3 / b;
      b = a + 2 / b;
      b = a + 1 / b;
      c = e / b / 2.506628274631;
    }
  }
  return x > 0 ? 1 - c : c;
}

/**
 * Benjamini–Hochberg adjusted p-values (q-values): q_(i) = min over j ≥ i of m·p_(j)/j, capped at 1.
 * NaN p-values are left out of m and stay NaN.
 */
export function benjaminiHochberg(p: ArrayLike<number>): Float64Array {
  const q = new Float64Array(p.length).fill(Number.NaN);
  const order: number[] = [];
  for (let i = 0; i < p.length; i++) if (Number.isFinite(p[i])) order.push(i);
  order.sort((a, b) => p[a] - p[b] || a - b);
  const m = order.length;
  let running = 1;
  for (let r = m - 1; r >= 0; r--) {
    const i = order[r];
    running = Math.min(running, (p[i] * m) / (r + 1));
    q[i] = running;
  }
  return q;
}

/**
 * Hot/cold classes as ArcGIS's hot spot analysis reports them: ±3, ±2, ±1 for 99, 95 and 90 %
 * confidence, 0 for not significant. With `fdr` the p-values are first Benjamini–Hochberg
 * adjusted (a feature is significant at level α when its q ≤ α, which is the same as ArcGIS's
 * FDR-lowered critical p-value per level). The sign comes from z.
 */
export function classify(z: ArrayLike<number>, p: ArrayLike<number>, fdr = true): Int8Array {
  const q = fdr ? benjaminiHochberg(p) : Float64Array.from(p);
  const out = new Int8Array(z.length);
  for (let i = 0; i < z.length; i++) {
    const qi = q[i];
    if (!Number.isFinite(qi) || !Number.isFinite(z[i]) || z[i] === 0) continue;
    const level = qi <= 0.01 ? 3 : qi <= 0.05 ? 2 : qi <= 0.1 ? 1 : 0;
    out[i] = (z[i] > 0 ? 1 : -1) * level;
  }
  return out;
}

/** Re-exported: tests seed their synthetic data with the same generator. */
export { mulberry32 };
