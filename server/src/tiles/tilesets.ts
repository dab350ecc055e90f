import type { Role } from '../core/auth.ts';

/**
 * The tilesets Wangge serves. Each is one layer function from migrations/0007_tiles.sql; the
 * data versions it depends on key its caches, so an edit to any of them changes its URLs.
 */
export interface Tileset {
  id: string;
  description: string;
  /** The layer function call; $1 z, $2 x, $3 y, $5 the tileset's argument. */
  source: string;
  /** Layers in layer_versions whose edits change these tiles. */
  dependsOn: string[];
  /** Roles that may read it at all; null = public. */
  roles: Role[] | null;
  /** Roles that see the figures (the tileset's argument becomes true for them). */
  figuresRoles?: Role[];
  /** The call for users limited to an area (kiosk tokens); $5 is the area's grid code. */
  areaSource?: string;
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
    source: 'tile_grids($1, $2, $3, $5::boolean)',
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
    areaSource: 'tile_incidents_area($1, $2, $3, $4, $5::text)',
    dependsOn: ['incidents'],
    roles: READERS,
    minzoom: 0,
    maxzoom: 18,
    vectorLayers: [
      { id: 'incidents', description: 'One point per incident (z ≥ 14)', fields: { status: 'String', category: 'String', class: 'String', light: 'String: green | yellow | red | none', open: 'Boolean', reported_at: 'String' } },
      { id: 'incident_bins', description: 'Incident counts per 64 px bin (z < 14)', fields: { total: 'Number', open: 'Number' } },
    ],
  },
];

export const tilesetById = new Map(TILESETS.map((t) => [t.id, t]));
