import { area } from '@turf/turf';
import type { Feature, Geometry } from 'geojson';

/**
 * How OSM features become Wangge layers. Pure functions, so the rules are tested on their own
 * and documented in one place (docs/demo-data.md).
 */

export interface HouseholdRule {
  /** Gross floor area of one dwelling, m². */
  dwellingM2: number;
  /** Levels assumed for a residential building that has no building:levels tag. */
  defaultLevels: number;
  /** Land uses whose untyped buildings count no households (default NON_RESIDENTIAL_LANDUSE; [] turns the rule off). */
  nonResidentialLanduse?: readonly string[];
}

// Buildings nobody lives in. `yes` (untyped) counts as residential: in a dense town most are.
const NON_RESIDENTIAL = new Set([
  'church', 'chapel', 'cathedral', 'mosque', 'synagogue', 'temple', 'religious', 'shrine',
  'hospital', 'school', 'university', 'college', 'kindergarten', 'public', 'civic', 'government',
  'commercial', 'office', 'retail', 'supermarket', 'industrial', 'warehouse', 'factory', 'hotel',
  'garage', 'garages', 'parking', 'carport', 'shed', 'hut', 'cabin', 'roof', 'kiosk', 'service',
  'transportation', 'train_station', 'station', 'stadium', 'sports_hall', 'sports_centre',
  'grandstand', 'pavilion', 'construction', 'ruins', 'bunker', 'greenhouse', 'toilets', 'bridge',
  'tower', 'water_tower', 'fire_station', 'police', 'museum', 'theatre', 'castle', 'palace', 'monument',
]);

/**
 * Land uses whose untyped buildings (`building=yes`) house nobody: offices, shops, works, depots,
 * barracks, institutions, cemeteries. `civic`/`civil` are not in the OSM wiki's list but mark
 * public-administration blocks in real data (Helsinki's ministries, archives, library). Typed
 * residential buildings (`apartments`, `house`, …) keep their households wherever they stand;
 * `construction` is left out (the building may be homes when finished).
 */
export const NON_RESIDENTIAL_LANDUSE = new Set([
  'commercial', 'retail', 'industrial', 'military', 'railway', 'port', 'garages', 'religious',
  'cemetery', 'education', 'institutional', 'civic', 'civil',
]);

/**
 * A residential land-use area: it wins where land uses overlap, so homes mapped as a residential
 * area inside a larger commercial one keep their households.
 */
export function isResidentialLanduse(tags: Record<string, string>, geometry: Geometry): boolean {
  return (geometry.type === 'Polygon' || geometry.type === 'MultiPolygon') && tags.landuse === 'residential';
}

/**
 * A list of land uses as a planner writes it: OSM landuse values separated by commas, or `none`
 * (no land use makes an untyped building empty); undefined when not given. Throws a RangeError
 * that names the first value that is not one.
 */
export function parseLanduseList(v: string | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  if (v.trim() === 'none') return [];
  const uses = v.split(',').map((u) => u.trim());
  const bad = uses.find((u) => !/^[a-z_]{1,40}$/.test(u));
  if (bad !== undefined) throw new RangeError(`"${bad}" is not an OSM landuse value; give values such as commercial,retail,industrial separated by commas, or none`);
  return uses;
}

/** A land-use area whose untyped buildings count no households (by the default list, or the one given). */
export function isNonResidentialLanduse(tags: Record<string, string>, geometry: Geometry, uses: ReadonlySet<string> = NON_RESIDENTIAL_LANDUSE): boolean {
  return (geometry.type === 'Polygon' || geometry.type === 'MultiPolygon') && uses.has(tags.landuse ?? '');
}

/** Smallest footprint that can hold a dwelling; below it is a shed, a kiosk, a stair head. */
export const MIN_DWELLING_FOOTPRINT_M2 = 30;

export function parseLevels(value: string | undefined): number | null {
  if (!value) return null;
  const n = Number.parseFloat(value.replace(',', '.'));
  return Number.isFinite(n) && n > 0 && n < 300 ? n : null;
}

export interface BuildingEstimate {
  footprintM2: number;
  levels: number;
  levelsTagged: boolean;
  households: number;
}

/** households = footprint × levels ÷ dwelling size, rounded; 0 for non-residential buildings. */
export function estimateHouseholds(tags: Record<string, string>, geometry: Geometry, rule: HouseholdRule): BuildingEstimate {
  const footprintM2 = area({ type: 'Feature', geometry, properties: {} } as Feature);
  const tagged = parseLevels(tags['building:levels']);
  const levels = tagged ?? rule.defaultLevels;
  const type = tags.building ?? 'yes';
  // A use tag on the building itself (a hotel, a ministry's office) says nobody lives there.
  const usedOtherwise = tags.amenity !== undefined || tags.shop !== undefined || tags.office !== undefined || tags.tourism !== undefined;
  const residential = !NON_RESIDENTIAL.has(type) && !usedOtherwise;
  let households = 0;
  if (residential && footprintM2 >= MIN_DWELLING_FOOTPRINT_M2) {
    households = Math.max(1, Math.round((footprintM2 * levels) / rule.dwellingM2));
  }
  return { footprintM2, levels, levelsTagged: tagged !== null, households };
}

export interface BarrierClass {
  kind: 'road' | 'railway' | 'water' | 'coast';
  class: string;
}

const ROAD_CLASSES = new Set([
  'motorway', 'trunk', 'primary', 'secondary', 'tertiary', 'unclassified', 'residential',
  'living_street', 'service', 'pedestrian', 'footway', 'path', 'steps', 'cycleway', 'track',
  'motorway_link', 'trunk_link', 'primary_link', 'secondary_link', 'tertiary_link',
]);
const RAIL_CLASSES = new Set(['rail', 'light_rail', 'subway', 'tram', 'narrow_gauge', 'monorail', 'funicular']);
const WATER_CLASSES = new Set(['river', 'stream', 'canal', 'drain', 'ditch']);

/** Line features that grids may follow; null for everything else. */
export function classifyBarrier(tags: Record<string, string>, geometry: Geometry): BarrierClass | null {
  if (geometry.type !== 'LineString' && geometry.type !== 'MultiLineString') return null;
  if (tags.natural === 'coastline') return { kind: 'coast', class: 'coastline' };
  if (tags.highway && ROAD_CLASSES.has(tags.highway)) return { kind: 'road', class: tags.highway.replace(/_link$/, '') };
  if (tags.railway && RAIL_CLASSES.has(tags.railway)) return { kind: 'railway', class: tags.railway };
  if (tags.waterway && WATER_CLASSES.has(tags.waterway)) return { kind: 'water', class: tags.waterway };
  return null;
}

/** Areas the offline basemap draws. */
export function classifyArea(tags: Record<string, string>, geometry: Geometry): 'water' | 'park' | null {
  if (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon') return null;
  if (tags.natural === 'water' || tags.waterway === 'riverbank' || tags.landuse === 'basin' || tags.leisure === 'marina') return 'water';
  if (tags.leisure === 'park' || tags.leisure === 'garden' || tags.landuse === 'grass' || tags.natural === 'wood' || tags.landuse === 'forest') return 'park';
  return null;
}

export function isAdminArea(tags: Record<string, string>, geometry: Geometry, level: number): boolean {
  return tags.boundary === 'administrative' && Number(tags.admin_level) === level
    && (geometry.type === 'Polygon' || geometry.type === 'MultiPolygon');
}
