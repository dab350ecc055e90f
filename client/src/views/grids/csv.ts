import type { Geometry, Position } from 'geojson';
import type { GridCollection } from './api.ts';

const ring = (r: Position[]) => `(${r.map((p) => `${p[0]} ${p[1]}`).join(', ')})`;
const poly = (rings: Position[][]) => `(${rings.map(ring).join(', ')})`;

/** WKT of a grid's geometry (polygons only; grids are areas). */
export function toWkt(g: Geometry): string {
  if (g.type === 'Polygon') return `POLYGON ${poly(g.coordinates)}`;
  if (g.type === 'MultiPolygon') return `MULTIPOLYGON (${g.coordinates.map(poly).join(', ')})`;
  throw new Error(`not an area: ${g.type}`);
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const CSV_COLUMNS = ['code', 'name', 'name_en', 'tier', 'tier_name', 'parent', 'households', 'population', 'area_m2', 'density_per_km2', 'version', 'valid_from', 'wkt'] as const;

/**
 * Grids as CSV with a WKT column (WGS84): the server exports GeoJSON, Shapefile and GeoPackage;
 * CSV is written here from GET /api/grids. The columns match the Shapefile's, and the file
 * imports back through the CSV importer (its `wkt` column). A BOM so spreadsheet programs read
 * the Chinese names as UTF-8.
 */
export function gridsCsv(fc: GridCollection): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const f of fc.features) {
    const p = f.properties;
    lines.push([p.code, p.name, p.nameEn, p.tier, p.tierName, p.parentCode, p.households, p.population, p.areaM2, p.densityPerKm2, p.version, p.validFrom, toWkt(f.geometry)].map(cell).join(','));
  }
  return `\ufeff${lines.join('\r\n')}\r\n`;
}
