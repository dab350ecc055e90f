import shpwrite from '@mapbox/shp-write';
import type { Feature, FeatureCollection } from 'geojson';

/**
 * A zipped Shapefile (WGS84 .prj) of grid features. Field names are cut to the 10 characters
 * dBase allows, so they are renamed to short forms here rather than truncated blindly.
 */
export async function gridsShapefile(features: Feature[], name: string): Promise<Buffer> {
  const short: FeatureCollection = {
    type: 'FeatureCollection',
    features: features.map((f) => {
      const p = f.properties ?? {};
      return {
        type: 'Feature', geometry: f.geometry,
        properties: {
          code: p.code, name: p.name, name_en: p.nameEn ?? '', tier: p.tier, tier_name: p.tierName ?? '', parent: p.parentCode ?? '',
          households: p.households, population: p.population ?? null, area_m2: p.areaM2, version: p.version,
          valid_from: p.validFrom, valid_to: p.validTo ?? '',
        },
      };
    }),
  };
  const out = await shpwrite.zip<'nodebuffer'>(short, { folder: name, filename: name, types: { polygon: name, multipolygon: name }, compression: 'DEFLATE', outputType: 'nodebuffer' });
  return out as Buffer;
}
