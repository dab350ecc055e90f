/** JSON schemas of the partition routes (OpenAPI is generated from them). */

const classes = { type: 'array', maxItems: 60, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 40 } } as const;

export const createBody = {
  type: 'object',
  additionalProperties: false,
  description: 'Give parentCode (a current grid to cut) or area (a drawn polygon, with jurisdictionId).',
  properties: {
    parentCode: { type: 'string', minLength: 1, maxLength: 40 },
    area: { type: 'object', additionalProperties: true, description: 'GeoJSON Polygon or MultiPolygon (WGS84)' },
    jurisdictionId: { type: 'integer', minimum: 1 },
    targetHouseholds: { type: 'integer', minimum: 1, maximum: 100000, description: 'Households per unit grid (default 200)' },
    targetPeople: { type: 'integer', minimum: 1, maximum: 300000, description: 'People per unit grid, instead of households' },
    tolerance: { type: 'number', minimum: 0.01, maximum: 0.9, description: 'Band half-width as a share of the target (default 0.2 = ±20 %)' },
    hardClasses: { ...classes, description: 'Barrier classes never crossed (default motorway, trunk, rail, river, canal, coastline …)' },
    preferredClasses: { ...classes, description: 'Barrier classes grids follow (default the other road classes, footways, steps, streams)' },
    keepLowerBorders: { type: 'boolean', description: 'Treat the current lower-tier grid borders as hard barriers' },
    rural: { type: 'boolean', description: 'Rural mode: blocks cut only by hard and main-road classes, so villages stay whole' },
    seed: { type: 'integer', minimum: 0, maximum: 2147483647 },
    baselines: { type: 'boolean', description: 'Also compute the current grids\' and the H3 / k-means baselines\' metrics (default true)' },
  },
} as const;

/** regionalize.ts FlagDetail: a flag's reason as data, beside the English flagReason. */
export const flagDetail = {
  type: ['object', 'null'],
  required: ['code'],
  description: 'Why the grid is flagged, as data (the figures of flagReason, in the band\'s unit `by`): '
    + 'tower {holds, hi, cutOff?}: one building holds `holds`, above the upper bound `hi`, with the pieces below the band that towers cut off (one figure each); '
    + 'enclosed {holds, lo}: hard barriers enclose only `holds`, below the lower bound `lo`; whole_area {holds, lo}: the whole area holds only that; '
    + 'empty: no households and no grid beside it to join. Null when not flagged.',
  properties: {
    code: { type: 'string', enum: ['tower', 'enclosed', 'whole_area', 'empty'] },
    by: { type: 'string', enum: ['households', 'people'] },
    holds: { type: 'integer' }, hi: { type: 'integer' }, lo: { type: 'integer' },
    cutOff: { type: 'array', items: { type: 'integer' } },
  },
} as const;

export const summary = {
  type: 'object',
  additionalProperties: true,
  properties: {
    grids: { type: 'integer' }, min: { type: 'number' }, median: { type: 'number' }, max: { type: 'number' },
    bandShare: { type: 'number' }, bandShareUnflagged: { type: 'number' },
    flagged: { type: 'object', additionalProperties: { type: 'integer' } },
    meanPolsbyPopper: { type: 'number' }, minPolsbyPopper: { type: 'number' }, barrierShare: { type: 'number' },
    crossedHard: { type: 'integer' }, crossedHardReasons: { type: 'array', items: { type: 'string' } },
    crossedHardDetails: {
      type: 'array',
      description: 'crossedHardReasons as data: the grid (its code) and why — takes_empty_enclosed: it takes in an area without households that hard barriers enclose',
      items: { type: 'object', required: ['code'], properties: { grid: { type: ['string', 'null'] }, code: { type: 'string', enum: ['takes_empty_enclosed'] } } },
    },
    runtimeMs: { type: 'number' }, units: { type: 'integer' }, blocks: { type: 'integer' },
  },
} as const;

const variant = { type: ['object', 'null'], additionalProperties: true, properties: { summary, resolution: { type: 'integer' } } } as const;

export const featureCollection = {
  type: 'object',
  required: ['type', 'features'],
  properties: {
    type: { type: 'string', enum: ['FeatureCollection'] },
    features: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          type: { type: 'string' },
          geometry: { type: 'object', additionalProperties: true },
          properties: {
            type: 'object',
            properties: {
              seq: { type: 'integer' }, code: { type: ['string', 'null'] }, households: { type: 'integer' }, population: { type: 'number' },
              areaM2: { type: ['number', 'null'] }, polsbyPopper: { type: ['number', 'null'] },
              barrierShare: { type: 'object', additionalProperties: { type: 'number' } },
              deviation: { type: ['number', 'null'], description: 'Relative deviation from the target' },
              flag: { type: ['string', 'null'], enum: ['tower', 'enclosed', 'empty', null] }, flagReason: { type: ['string', 'null'] },
              flagDetail,
            },
          },
        },
      },
    },
  },
} as const;

export const jobOut = {
  type: 'object',
  required: ['id', 'status', 'stage', 'progress'],
  properties: {
    id: { type: 'integer' },
    jurisdictionId: { type: 'integer' },
    parentCode: { type: ['string', 'null'] },
    status: { type: 'string', enum: ['queued', 'running', 'done', 'failed', 'cancelled'] },
    stage: { type: 'string' },
    progress: { type: 'number' },
    params: { type: 'object', additionalProperties: true },
    createdAt: { type: 'string' },
    finishedAt: { type: ['string', 'null'] },
    error: { type: ['object', 'null'], additionalProperties: true },
    publishedChangeSetId: { type: ['integer', 'null'] },
    result: {
      type: ['object', 'null'],
      properties: {
        by: { type: 'string' }, target: { type: 'number' }, band: { type: 'array', items: { type: 'number' } },
        metrics: { type: ['object', 'null'], additionalProperties: true, properties: summary.properties },
        current: variant,
        baselines: { type: ['object', 'null'], properties: { h3: variant, kmeans: variant } },
        runtimeMs: { type: 'number' },
        grids: featureCollection,
      },
    },
  },
} as const;

/** A job in the list of recent jobs: its result's figures and how many grids, not the grids. */
export const jobListItem = {
  ...jobOut,
  properties: {
    ...jobOut.properties,
    result: {
      ...jobOut.properties.result,
      properties: {
        ...(({ grids: _grids, ...rest }) => rest)(jobOut.properties.result.properties),
        gridCount: { type: 'integer', description: 'Number of proposed grids (GET /api/partitions/:id for the grids)' },
      },
    },
  },
} as const;

export const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;

export const publishBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    acceptWarnings: { type: 'boolean', description: 'Publish even with topology warnings (households outside the band)' },
    summary: { type: 'string', maxLength: 500 },
  },
} as const;

const seqList = { type: 'array', items: { type: 'integer' } } as const;

/** The answer to every edit: the grids changed, emptied (removed from the output) and created, and the moves applied (with where each block came from, for undo). */
export const editResult = {
  type: 'object',
  properties: {
    changed: seqList, removed: seqList, created: seqList,
    moves: { type: 'array', items: { type: 'object', properties: { block: { type: 'integer' }, from: { type: 'integer' }, to: { type: 'integer' } } } },
    metrics: { type: ['object', 'null'], additionalProperties: true },
  },
} as const;

export const splitBody = {
  type: 'object', required: ['grid'], additionalProperties: false,
  properties: { grid: { type: 'integer', description: 'seq of the grid to split' } },
} as const;

const position = { type: 'array', minItems: 2, maxItems: 3, items: { type: 'number' } } as const;

export const redrawBody = {
  type: 'object', required: ['from', 'to', 'geometry'], additionalProperties: false,
  properties: {
    from: { type: 'integer', description: 'seq of the grid that gives blocks' },
    to: { type: 'integer', description: 'seq of the neighbouring grid that receives them' },
    geometry: {
      description: 'A LineString across grid `from` (its blocks on the side of `to` move) or a Polygon (its blocks inside move); WGS84',
      oneOf: [
        { type: 'object', required: ['type', 'coordinates'], properties: { type: { const: 'LineString' }, coordinates: { type: 'array', minItems: 2, maxItems: 2000, items: position } } },
        { type: 'object', required: ['type', 'coordinates'], properties: { type: { const: 'Polygon' }, coordinates: { type: 'array', minItems: 1, maxItems: 1, items: { type: 'array', minItems: 4, maxItems: 2000, items: position } } } },
      ],
    },
  },
} as const;
