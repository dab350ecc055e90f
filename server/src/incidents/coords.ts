import gcoord from 'gcoord';
import { badRequest } from '../core/errors.ts';

export type Crs = 'WGS84' | 'GCJ02' | 'BD09' | 'EPSG:4326' | 'EPSG:3857';

/** A reported position in any supported CRS → WGS84 lng/lat (what grids are stored in). */
export function toWgs84(x: number, y: number, crs: Crs = 'WGS84'): { lng: number; lat: number } {
  let lng = x, lat = y;
  if (crs === 'GCJ02' || crs === 'BD09' || crs === 'EPSG:3857') {
    const from = crs === 'GCJ02' ? gcoord.GCJ02 : crs === 'BD09' ? gcoord.BD09 : gcoord.EPSG3857;
    if (crs === 'EPSG:3857' && (Math.abs(x) > 20037508.35 || Math.abs(y) > 20048966.1)) throw badRequest('bad_coordinates', `(${x}, ${y}) is outside EPSG:3857`);
    [lng, lat] = gcoord.transform([x, y], from, gcoord.WGS84) as [number, number];
  }
  if (!Number.isFinite(lng) || !Number.isFinite(lat) || Math.abs(lng) > 180 || Math.abs(lat) > 90) {
    throw badRequest('bad_coordinates', `(${x}, ${y}) is not a valid position in ${crs}; lng comes first`);
  }
  return { lng, lat };
}
