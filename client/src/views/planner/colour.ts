/**
 * Household deviation from the target on a diverging palette (ColorBrewer RdBu): blue below
 * the target, red above, near-white on it; the band's edges (±tolerance) are the light stops,
 * twice the tolerance the saturated ones.
 */
export type RGBA = [number, number, number, number];

const STOPS: { at: number; c: [number, number, number] }[] = [
  { at: -2, c: [33, 102, 172] },
  { at: -1, c: [146, 197, 222] },
  { at: 0, c: [247, 247, 247] },
  { at: 1, c: [244, 165, 130] },
  { at: 2, c: [178, 24, 43] },
];

export const NO_DATA: RGBA = [160, 160, 160, 120];

export function deviationColour(deviation: number | null, tolerance: number, alpha = 200): RGBA {
  if (deviation === null || !Number.isFinite(deviation) || tolerance <= 0) return NO_DATA;
  const x = Math.max(-2, Math.min(2, deviation / tolerance));
  let i = 0;
  while (i < STOPS.length - 2 && x > STOPS[i + 1].at) i++;
  const a = STOPS[i];
  const b = STOPS[i + 1];
  const t = (x - a.at) / (b.at - a.at);
  return [0, 1, 2].map((k) => Math.round(a.c[k] + (b.c[k] - a.c[k]) * t)).concat(alpha) as RGBA;
}

/** CSS for the legend's bar: the same stops, left = −2× tolerance, right = +2×. */
export const LEGEND_GRADIENT = `linear-gradient(to right, ${STOPS.map((s) => `rgb(${s.c.join(',')}) ${((s.at + 2) / 4) * 100}%`).join(', ')})`;

/** A diagonal hatch as a deck.gl fill-pattern atlas (a mask: drawn in the layer's fill colour). */
export function hatchAtlas(): { atlas: string; mapping: Record<string, { x: number; y: number; width: number; height: number; mask: boolean }> } | null {
  if (typeof document === 'undefined') return null;
  const size = 16;
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  ctx.strokeStyle = '#000';
  ctx.lineWidth = 3;
  ctx.beginPath();
  for (const o of [-size, 0, size]) { ctx.moveTo(o, size); ctx.lineTo(o + size, 0); }
  ctx.stroke();
  return { atlas: canvas.toDataURL(), mapping: { hatch: { x: 0, y: 0, width: size, height: size, mask: true } } };
}
