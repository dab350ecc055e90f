import type { Role } from '../core/auth.ts';
import type { Db } from '../core/db.ts';
import { cellScope, HOTSPOT_MINZOOM, HotspotCells, type TileFilter } from '../hotspots/tileset.ts';

/**
 * Work a tileset needs done before a tile is rendered at a version (precomputed cells): `ready`
 * answers at once when it is known done (no promise, no await on the tile's path), `ensure` does it.
 */
export interface TilePreparer {
  ready(tile: { z: number; x: number; y: number }, area: string | null, version: string, filter: TileFilter | null): boolean;
  ensure(tile: { z: number; x: number; y: number }, area: string | null, version: string, filter: TileFilter | null): Promise<void>;
}

/**
 * The tilesets Wangge serves. Each is one layer function from migrations/0007_tiles.sql; the
 * data versions it depends on key its caches, so an edit to any of them changes its URLs.
 */
export interface Tileset {
  id: string;
  description: string;
  /** The layer function call; $1 z, $2 x, $3 y, $4 the feature cap, $6 the tileset's argument. */
  source: string;
  /** Layers in layer_versions whose edits change these tiles. */
  dependsOn: string[];
  /** Roles that may read it at all; null = public. */
  roles: Role[] | null;
  /** Roles that see the figures (the tileset's argument becomes true for them). */
  figuresRoles?: Role[];
  /** The call for users limited to an area (kiosk tokens); $6 is the area's grid code. */
  areaSource?: string;
  /** Made once per app: what must be stored before a tile at a version can be rendered. */
  preparer?: (db: Db) => TilePreparer;
  /**
   * Takes the analyst's filters (?from=&to=&category=, as GET /api/hotspots/*): they key the
   * caches and ETags, and this gives the tile function's argument ($6) for an area and filters.
   */
  filtered?: (area: string | null, filter: TileFilter | null) => string;
  minzoom: number;
  maxzoom: number;
  vectorLayers: { id: string; description: string; fields: Record<string, string> }[];
}

const READERS: Role[] = ['viewer', 'officer', 'dispatcher', 'analyst', 'planner'];

const gridFields = {
  code: 'String', name: 'String', name_en: 'String', tier: 'Number', parent: 'String',
  households: 'Number (with a role)', open: 'Number: open incidents (with a role)', open_per_100: 'Number: open incidents per 100 households (with a role)',
};

export const TILESETS: Tileset[] = [
  {
    id: 'grids',
    description: 'Grid boundaries of every tier (layers tier1…tier5) and one label point per grid (labels); figures for signed-in roles',
    source: 'tile_grids($1, $2, $3, $6::boolean)',
    dependsOn: ['grids', 'households', 'incidents'],
    roles: null,
    figuresRoles: READERS,
    minzoom: 0,
    maxzoom: 16,
    vectorLayers: [1, 2, 3, 4, 5].map((n) => ({ id: `tier${n}`, description: `Grids of tier ${n}`, fields: gridFields }))
      .concat([{ id: 'labels', description: 'One label point per grid (any tier)', fields: gridFields }]),
  },
  {
    id: 'basemap',
    description: "The offline basemap from Wangge's own data: water and parks, buildings (from z14), barrier lines",
    source: 'tile_basemap($1, $2, $3)',
    dependsOn: ['households', 'barriers', 'basemap'],
    roles: null,
    minzoom: 0,
    maxzoom: 16,
    vectorLayers: [
      { id: 'areas', description: 'Water and parks', fields: { kind: 'String', name: 'String' } },
      { id: 'buildings', description: 'Buildings with their estimated households (z ≥ 14)', fields: { households: 'Number' } },
      { id: 'barriers', description: 'Roads, railways, rivers, coast', fields: { kind: 'String', class: 'String', name: 'String' } },
    ],
  },
  {
    id: 'incidents',
    description: 'Incidents: points from z14 (newest first, capped), counts per 64×64 bin below',
    source: 'tile_incidents($1, $2, $3, $4)',
    areaSource: 'tile_incidents_area($1, $2, $3, $4, $6::text)',
    dependsOn: ['incidents'],
    roles: READERS,
    minzoom: 0,
    maxzoom: 18,
    vectorLayers: [
      { id: 'incidents', description: 'One point per incident (z ≥ 14)', fields: { status: 'String', category: 'String', class: 'String', light: 'String: green | yellow | red | none', open: 'Boolean', reported_at: 'String' } },
      { id: 'incident_bins', description: 'Incident counts per 64 px bin (z < 14)', fields: { total: 'Number', open: 'Number' } },
    ],
  },
  {
    id: 'open-incidents',
    description: 'Open incidents in their deadline lights, as the panorama and the wall draw them: every open incident from z14 (oldest first if the cap cuts), open counts per 64×64 bin below',
    source: 'tile_open_incidents($1, $2, $3, $4)',
    areaSource: 'tile_open_incidents_area($1, $2, $3, $4, $6::text)',
    dependsOn: ['incidents'],
    roles: READERS,
    minzoom: 0,
    maxzoom: 18,
    vectorLayers: [
      { id: 'incidents', description: 'One point per open incident (z ≥ 14)', fields: { status: 'String', category: 'String', class: 'String', light: 'String: green | yellow | red | none' } },
      { id: 'incident_bins', description: 'Open incidents per 64 px bin (z < 14), bins without any left out', fields: { open: 'Number' } },
    ],
  },
];

const hotspotFields = {
  cell: 'String: the H3 index', res: 'Number: H3 resolution (7 at z ≤ 10, 8 at z 11–12, 9 at z 13–14, 10 at z 15, 11 at z 16)',
  count: 'Number: incidents (rejected reports never count)', households: 'Number (where known)', rate: 'Number: incidents per 100 households (where households are known)',
  gi_z: 'Number: Getis-Ord Gi* z-score (k-ring 1)', gi_p: 'Number: two-sided p-value', gi_class: 'Number: +3/+2/+1 hot, -3/-2/-1 cold at 99/95/90 % after FDR, 0 not significant (absent when Gi* was refused)',
};

TILESETS.push({
  id: 'hotspots',
  description: 'Incident counts, rates and Gi* hot-spot classes per H3 cell (resolution by zoom), over the whole period or the period and category asked for (?from=&to=&category=); precomputed per data version',
  source: 'tile_hotspots($1, $2, $3, $4, $6::text)',
  areaSource: 'tile_hotspots($1, $2, $3, $4, $6::text)',
  filtered: cellScope,
  dependsOn: ['incidents', 'households', 'grids'],
  roles: ['analyst', 'planner', 'dispatcher', 'viewer'],
  preparer: (db) => {
    const cells = new HotspotCells(db);
    return { ready: (tile, area, version, filter) => cells.ready(tile, area, version, filter), ensure: (tile, area, version, filter) => cells.ensure(tile, area, version, filter) };
  },
  minzoom: HOTSPOT_MINZOOM,
  maxzoom: 16,
  vectorLayers: [{ id: 'h3', description: 'H3 cells with incidents or in the study area (zero counts included where Gi* ran)', fields: hotspotFields }],
});

export const tilesetById = new Map(TILESETS.map((t) => [t.id, t]));
