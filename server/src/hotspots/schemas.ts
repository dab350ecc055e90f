/** JSON Schemas of the hot-spot routes (OpenAPI is generated from them). */

const geometry = {
  type: ['object', 'null'],
  required: ['type'],
  properties: {
    type: { type: 'string', enum: ['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon'] },
    coordinates: { type: 'array' },
  },
  additionalProperties: true,
} as const;

const feature = {
  type: 'object',
  required: ['type', 'geometry', 'properties'],
  properties: {
    type: { type: 'string', const: 'Feature' },
    id: { anyOf: [{ type: 'string' }, { type: 'number' }] },
    geometry,
    properties: { type: ['object', 'null'], additionalProperties: true },
  },
  additionalProperties: true,
} as const;

const featureCollection = {
  type: 'object',
  required: ['type', 'features'],
  properties: {
    type: { type: 'string', const: 'FeatureCollection' },
    features: { type: 'array', items: feature },
  },
  additionalProperties: true,
} as const;

export const neighboursSchema = {
  description: 'distance: a fixed band in metres (planar in a projected metre CRS, great-circle otherwise); knn: k nearest; contiguity: polygons sharing an edge',
  oneOf: [
    { type: 'object', required: ['type', 'meters'], additionalProperties: false, properties: { type: { const: 'distance' }, meters: { type: 'number', exclusiveMinimum: 0, maximum: 1_000_000 } } },
    { type: 'object', required: ['type', 'k'], additionalProperties: false, properties: { type: { const: 'knn' }, k: { type: 'integer', minimum: 1, maximum: 100 } } },
    { type: 'object', required: ['type'], additionalProperties: false, properties: { type: { const: 'contiguity' } } },
  ],
} as const;

export const giBody = {
  type: 'object',
  required: ['crs', 'field', 'neighbours', 'features'],
  additionalProperties: false,
  properties: {
    crs: { type: 'string', maxLength: 80, description: 'CRS of the coordinates, e.g. "EPSG:4326" or "EPSG:3857"', examples: ['EPSG:4326'] },
    field: { type: 'string', minLength: 1, maxLength: 200, description: 'Numeric property analysed' },
    neighbours: neighboursSchema,
    permutations: { type: 'integer', minimum: 0, maximum: 9999, default: 0, description: 'Conditional permutations for gi_p_sim (999 is usual); 0 = none' },
    transform: { type: 'string', enum: ['B', 'R'], default: 'B', description: 'Binary (ArcGIS Gi*) or row-standardised weights' },
    fdr: { type: 'boolean', default: true, description: 'Benjamini–Hochberg false-discovery-rate correction before classing' },
    seed: { type: 'integer', minimum: 0, maximum: 4294967295, default: 12345, description: 'Seed of the permutation random stream' },
    features: featureCollection,
  },
} as const;

const summary = {
  type: 'object',
  properties: {
    features: { type: 'integer' }, hot: { type: 'integer' }, cold: { type: 'integer' }, islands: { type: 'integer' },
    meanNeighbours: { type: 'number' }, fdr: { type: 'boolean' }, permutations: { type: 'integer' }, classedBy: { type: 'string' },
    srid: { type: 'integer' }, metric: { type: 'string' },
  },
} as const;

export const giAnswer = {
  type: 'object',
  required: ['type', 'features'],
  properties: {
    type: { type: 'string' },
    features: { type: 'array', items: { type: 'object', additionalProperties: true } },
    warnings: { type: 'array', items: { type: 'string' } },
    summary,
  },
} as const;

export const errorAnswer = {
  type: 'object',
  properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } } },
} as const;

const filterQuery = {
  jurisdiction: { type: 'integer', minimum: 1, description: 'Jurisdiction id (default: your own, or the only one)' },
  from: { type: 'string', maxLength: 40, description: 'Reported at or after (ISO 8601 date or date-time; dates are UTC midnight)' },
  to: { type: 'string', maxLength: 40, description: 'Reported before (ISO 8601 date or date-time)' },
  category: { type: 'string', maxLength: 80, description: 'Category code; a major category includes its minor ones' },
  grid: { type: 'string', maxLength: 40, description: 'Only incidents inside this current grid (code)' },
} as const;

export const h3Query = {
  type: 'object',
  additionalProperties: false,
  properties: { res: { type: 'integer', minimum: 7, maximum: 11, default: 10, description: 'H3 resolution (10 ≈ a unit grid)' }, ...filterQuery },
} as const;

export const h3Answer = {
  type: 'object',
  properties: {
    jurisdictionId: { type: 'integer' }, res: { type: 'integer' }, total: { type: 'integer' },
    cells: { type: 'array', items: { type: 'object', properties: { cell: { type: 'string' }, count: { type: 'integer' }, households: { type: ['integer', 'null'] }, rate: { type: ['number', 'null'], description: 'Incidents per 100 households' } } } },
  },
} as const;

const unitQuery = {
  unit: { type: 'string', enum: ['h3', 'grid'], default: 'h3' },
  res: { type: 'integer', minimum: 7, maximum: 11, default: 10 },
  tier: { type: 'integer', minimum: 1, maximum: 5, description: 'Grid tier when unit=grid (default: the lowest)' },
  neighbours: { type: 'string', enum: ['kring', 'distance', 'knn', 'contiguity'], description: 'Default: kring for h3, contiguity (shared edge) for grids' },
  k: { type: 'integer', minimum: 1, maximum: 30, default: 1, description: 'Rings (kring) or neighbours (knn)' },
  meters: { type: 'number', exclusiveMinimum: 0, maximum: 100000, description: 'Band for distance neighbours' },
} as const;

export const giQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...unitQuery, ...filterQuery,
    value: { type: 'string', enum: ['count', 'rate'], default: 'count', description: 'Analyse counts, or rates (units without the denominator left out)' },
    per: { type: 'string', enum: ['households', 'population'], default: 'households', description: 'Rate per 100 households, or per 1,000 residents (grids with a population)' },
    permutations: { type: 'integer', minimum: 0, maximum: 9999, default: 0 },
    seed: { type: 'integer', minimum: 0, maximum: 4294967295, default: 12345 },
    fdr: { type: 'boolean', default: true },
  },
} as const;

const unitOut = {
  id: { type: 'string' }, name: { type: ['string', 'null'] }, count: { type: 'integer' },
  households: { type: ['integer', 'null'] }, population: { type: ['integer', 'null'] }, rate: { type: ['number', 'null'] },
} as const;

export const giUnitsAnswer = {
  type: 'object',
  properties: {
    unit: { type: 'string' }, res: { type: 'integer' }, tier: { type: 'integer' }, jurisdictionId: { type: 'integer' }, neighbours: { type: 'string' }, value: { type: 'string' }, per: { type: 'string' },
    features: { type: 'array', items: { type: 'object', properties: { ...unitOut, gi_z: { type: ['number', 'null'] }, gi_p: { type: ['number', 'null'] }, gi_class: { type: 'integer' }, gi_p_sim: { type: 'number' } } } },
    warnings: { type: 'array', items: { type: 'string' } },
    summary,
  },
} as const;

export const emergingQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { ...unitQuery, ...filterQuery, step: { type: 'string', enum: ['week', 'month'], default: 'month' }, fdr: { type: 'boolean', default: true } },
} as const;

const trend = { type: 'object', properties: { s: { type: 'number' }, tau: { type: 'number' }, z: { type: 'number' }, p: { type: 'number' } } } as const;

export const emergingAnswer = {
  type: 'object',
  properties: {
    unit: { type: 'string' }, res: { type: 'integer' }, tier: { type: 'integer' }, jurisdictionId: { type: 'integer' }, neighbours: { type: 'string' }, step: { type: 'string' },
    steps: { type: 'array', items: { type: 'string' } },
    categories: { type: 'object', additionalProperties: { type: 'integer' } },
    features: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          ...unitOut, category: { type: 'string' }, countTrend: trend, zTrend: trend, hotSteps: { type: 'integer' }, coldSteps: { type: 'integer' },
          counts: { type: 'array', items: { type: 'integer' } }, classes: { type: 'array', items: { type: 'integer' } },
        },
      },
    },
    warnings: { type: 'array', items: { type: 'string' } },
  },
} as const;
