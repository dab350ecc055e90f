// shpjs ships no types; this covers what the grids import calls.
declare module 'shpjs' {
  import type { FeatureCollection } from 'geojson';
  /** A zipped Shapefile (one or more layers); reprojected to WGS84 when a .prj is present. */
  export function parseZip(buffer: ArrayBuffer | Uint8Array, whiteList?: string[]): Promise<(FeatureCollection & { fileName?: string }) | (FeatureCollection & { fileName?: string })[]>;
}
