import type { Feature, FeatureCollection, Geometry, Position } from 'geojson';

/**
 * A proposal as a picture (SVG) without a browser: grids filled by their deviation from the
 * target (blue below, white on target, red above; hatched grey when flagged), barrier lines on
 * top, codes at the grids' centres. Equirectangular projection at the area's latitude.
 */
export interface SvgOptions {
  width?: number;
  title?: string;
  barriers?: FeatureCollection;
}

type Props = { code?: string | null; deviation?: number | null; flag?: string | null };

export function proposalSvg(grids: FeatureCollection<Geometry, Props>, opts: SvgOptions = {}): string {
  const width = opts.width ?? 900;
  const rings: Position[][] = [];
  const polys = (g: Geometry): Position[][][] => (g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : []);
  for (const f of grids.features) for (const p of polys(f.geometry)) rings.push(...p);
  const xs = rings.flat().map((p) => p[0]);
  const ys = rings.flat().map((p) => p[1]);
  if (xs.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="10"/>`;
  const [w, e, s, n] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const k = Math.cos((((s + n) / 2) * Math.PI) / 180);
  const scale = (width - 20) / Math.max((e - w) * k, 1e-12);
  const height = Math.ceil((n - s) * scale + 20 + (opts.title ? 24 : 0));
  const top = opts.title ? 24 : 0;
  const pt = (p: Position) => `${(10 + (p[0] - w) * k * scale).toFixed(1)},${(top + 10 + (n - p[1]) * scale).toFixed(1)}`;
  const path = (g: Geometry) => polys(g).map((poly) => poly.map((r) => `M${r.map(pt).join('L')}Z`).join('')).join('');
  const fill = (p: Props) => {
    if (p.flag) return '#bbbbbb';
    const d = Math.max(-1, Math.min(1, (p.deviation ?? 0) / 0.5));
    const c = (v: number) => Math.round(255 - Math.abs(d) * v);
    return d < 0 ? `rgb(${c(200)},${c(120)},255)` : `rgb(255,${c(200)},${c(200)})`;
  };
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">`];
  if (opts.title) out.push(`<text x="10" y="18" font-size="14">${escape(opts.title)}</text>`);
  for (const f of grids.features) out.push(`<path d="${path(f.geometry)}" fill="${fill(f.properties)}" fill-rule="evenodd" stroke="#222" stroke-width="1.2"/>`);
  for (const f of (opts.barriers?.features ?? []) as Feature[]) {
    const lines = f.geometry.type === 'LineString' ? [f.geometry.coordinates] : f.geometry.type === 'MultiLineString' ? f.geometry.coordinates : [];
    for (const l of lines) out.push(`<path d="M${l.map(pt).join('L')}" fill="none" stroke="#777" stroke-width="0.5" stroke-opacity="0.6"/>`);
  }
  for (const f of grids.features) {
    const r = polys(f.geometry)[0]?.[0];
    if (!r || !f.properties.code) continue;
    const cx = r.reduce((a, p) => a + p[0], 0) / r.length;
    const cy = r.reduce((a, p) => a + p[1], 0) / r.length;
    out.push(`<text x="${pt([cx, cy]).split(',')[0]}" y="${pt([cx, cy]).split(',')[1]}" font-size="8" text-anchor="middle">${escape(f.properties.code.slice(-3))}</text>`);
  }
  out.push('</svg>');
  return out.join('\n');
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
