/** JSON schemas shared by the grids routes (OpenAPI is generated from them). */
import { CRS_PATTERN } from './crs.ts';

export const geometry = { type: 'object', additionalProperties: true, description: 'GeoJSON geometry (WGS84)' } as const;
export const anyObject = { type: 'object', additionalProperties: true } as const;
export const nullableGeometry = { anyOf: [geometry, { type: 'null' }] } as const;

export const asOf = { type: 'string', description: 'ISO date or date-time; the state valid at that moment (default now)' } as const;
export const crs = { type: 'string', pattern: CRS_PATTERN, description: 'WGS84 (default), CGCS2000, GCJ-02, BD-09 or EPSG:<code>' } as const;

export const chainLink = {
  type: 'object',
  required: ['code', 'name', 'tier'],
  properties: {
    code: { type: 'string' }, name: { type: 'string' }, nameEn: { type: ['string', 'null'] },
    tier: { type: 'integer' }, tierName: { type: ['string', 'null'] }, tierNameEn: { type: ['string', 'null'] },
  },
} as const;

export const staffMember = {
  type: 'object',
  required: ['role', 'name'],
  properties: {
    role: { type: 'string', enum: ['head', 'officer'] },
    name: { type: 'string' },
    phone: { type: ['string', 'null'], description: 'Personal data: only for admin, planner, dispatcher and officer roles' },
    publicContact: { type: ['string', 'null'] },
    userId: { type: ['integer', 'null'] },
  },
} as const;

export const tierIn = {
  type: 'object',
  required: ['name', 'nameEn'],
  additionalProperties: false,
  properties: { name: { type: 'string', minLength: 1, maxLength: 40 }, nameEn: { type: 'string', minLength: 1, maxLength: 60 } },
} as const;

export const tierOut = {
  type: 'object',
  properties: { level: { type: 'integer' }, name: { type: 'string' }, nameEn: { type: 'string' }, grids: { type: 'integer' } },
} as const;

export const jurisdictionOut = {
  type: 'object',
  required: ['id', 'name', 'tiers'],
  properties: {
    id: { type: 'integer' }, name: { type: 'string' }, nameEn: { type: ['string', 'null'] },
    householdsMin: { type: 'integer' }, householdsMax: { type: 'integer' }, sliverM2: { type: 'number' },
    codePrefix: { type: ['string', 'null'] },
    tiers: { type: 'array', items: tierOut },
  },
} as const;

export const finding = {
  type: 'object',
  properties: {
    kind: { type: 'string' }, severity: { type: 'string', enum: ['error', 'warning', 'sliver'] },
    codes: { type: 'array', items: { type: ['string', 'null'] } }, indexes: { type: 'array', items: { type: ['integer', 'null'] } },
    message: { type: 'string' }, geometry: nullableGeometry, areaM2: { type: ['number', 'null'] },
    reason: { type: ['string', 'null'] }, repair: nullableGeometry, location: nullableGeometry, households: { type: 'integer' },
    detail: {
      type: 'object', required: ['code'],
      description: 'The figures of `message` as data, for the kinds whose figures no other field holds: duplicate_code {grids}: '
        + 'how many grids use the code; code_not_nested {parent}: the code must start with it; bad_code: not 1–40 of 0-9 A-Z a-z _ -; '
        + 'code_taken {tier, name}: the current grid that holds the code; households_out_of_band {households, min, max}',
      properties: {
        code: { type: 'string', enum: ['duplicate_code', 'code_not_nested', 'bad_code', 'code_taken', 'households_out_of_band'] },
        grids: { type: 'integer' }, parent: { type: 'string' }, tier: { type: 'integer' }, name: { type: 'string' },
        households: { type: 'integer' }, min: { type: 'integer' }, max: { type: 'integer' },
      },
    },
  },
} as const;

export const topologyReport = {
  type: 'object',
  properties: {
    jurisdictionId: { type: 'integer' }, parentCode: { type: ['string', 'null'] }, tier: { type: 'integer' },
    checkedGrids: { type: 'integer' }, sliverM2: { type: 'number' },
    householdsBand: { anyOf: [{ type: 'object', properties: { min: { type: 'integer' }, max: { type: 'integer' } } }, { type: 'null' }] },
    ok: { type: 'boolean' },
    errors: { type: 'array', items: finding }, warnings: { type: 'array', items: finding }, slivers: { type: 'array', items: finding },
    households: { type: 'object', additionalProperties: { type: 'integer' } },
  },
} as const;

export const gridProperties = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, jurisdictionId: { type: 'integer' }, code: { type: 'string' }, name: { type: 'string' }, nameEn: { type: ['string', 'null'] },
    tier: { type: 'integer' }, tierName: { type: ['string', 'null'] }, tierNameEn: { type: ['string', 'null'] }, parentCode: { type: ['string', 'null'] },
    households: { type: 'integer' }, householdsDerived: { type: 'integer' }, householdsOverride: { type: ['integer', 'null'] },
    population: { type: ['integer', 'null'] }, areaM2: { type: 'number' }, densityPerKm2: { type: 'number' },
    version: { type: 'integer' }, validFrom: { type: 'string' }, validTo: { type: ['string', 'null'] }, changeSetId: { type: ['integer', 'null'] },
  },
} as const;

export const featureCollection = {
  type: 'object',
  required: ['type', 'features'],
  properties: {
    type: { type: 'string', enum: ['FeatureCollection'] },
    features: {
      type: 'array',
      items: { type: 'object', properties: { type: { type: 'string' }, id: { type: 'integer' }, properties: gridProperties, geometry } },
    },
  },
} as const;

export const newGrid = {
  type: 'object',
  required: ['name', 'geom'],
  additionalProperties: false,
  properties: {
    code: { type: 'string', minLength: 1, maxLength: 40 },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    nameEn: { type: 'string', maxLength: 200 },
    geom: { type: 'object', required: ['type', 'coordinates'], properties: { type: { type: 'string', enum: ['Polygon', 'MultiPolygon'] }, coordinates: { type: 'array' } } },
    population: { type: 'integer', minimum: 0 },
    attributes: anyObject,
  },
} as const;

export const errorRef = { $ref: 'Error#' } as const;
