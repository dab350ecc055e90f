import { ACTIONS, STATUSES } from './workflow.ts';

const ts = { type: ['string', 'null'], format: 'date-time' } as const;
const nullableInt = { type: ['integer', 'null'] } as const;

export const chainLink = {
  type: 'object',
  properties: { code: { type: 'string' }, name: { type: 'string' }, nameEn: { type: ['string', 'null'] }, tier: { type: 'integer' }, tierName: { type: ['string', 'null'] }, tierNameEn: { type: ['string', 'null'] } },
} as const;

export const incidentOut = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, jurisdictionId: { type: 'integer' },
    status: { type: 'string', enum: [...STATUSES] }, class: { type: 'string' },
    category: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' }, nameEn: { type: 'string' }, parentCode: { type: ['string', 'null'] } } },
    description: { type: 'string' }, source: { type: 'string' }, lng: { type: 'number' }, lat: { type: 'number' },
    gridCode: { type: ['string', 'null'] }, gridChain: { type: 'array', items: chainLink }, tier: nullableInt,
    department: { type: ['object', 'null'], properties: { id: { type: 'integer' }, code: { type: 'string' }, name: { type: 'string' }, nameEn: { type: ['string', 'null'] } } },
    times: { type: 'object', properties: { reportedAt: ts, registeredAt: ts, dispatchedAt: ts, handledAt: ts, closedAt: ts, evaluatedAt: ts, parkedAt: ts } },
    deadlines: { type: 'object', properties: { handleWarnAt: ts, handleDueAt: ts, closeWarnAt: ts, closeDueAt: ts } },
    light: { type: 'string', enum: ['green', 'yellow', 'red', 'none'] },
    satisfaction: nullableInt, reworkCount: { type: 'integer' }, reopenCount: { type: 'integer' }, escalationCount: { type: 'integer' },
    extended: { type: 'boolean' }, closedTier: nullableInt, closedDepartmentId: nullableInt,
    park: { type: ['object', 'null'], properties: { reason: { type: ['string', 'null'] }, approver: { type: ['string', 'null'] }, from: { type: ['string', 'null'] } } },
    rejectReason: { type: ['string', 'null'] }, version: { type: 'integer' }, synthetic: { type: 'boolean' },
    reporterContact: { type: ['string', 'null'], description: 'Personal data: only for dispatchers and admins' },
    allowedActions: { type: 'array', items: { type: 'string' } },
  },
} as const;

export const historyOut = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      id: { type: 'integer' }, at: { type: 'string', format: 'date-time' }, userId: nullableInt, username: { type: ['string', 'null'] },
      action: { type: 'string' }, fromStatus: { type: ['string', 'null'] }, toStatus: { type: 'string' }, note: { type: ['string', 'null'] },
      data: { type: 'object', additionalProperties: true }, attachments: { type: 'array', items: { type: 'integer' } },
    },
  },
} as const;

export const incidentWithHistory = {
  type: 'object',
  properties: { ...incidentOut.properties, history: historyOut, photos: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' }, contentType: { type: 'string' }, bytes: { type: 'integer' }, url: { type: 'string' }, createdAt: { type: 'string' } } } } },
} as const;

export const CRS = ['WGS84', 'GCJ02', 'BD09', 'EPSG:4326', 'EPSG:3857'] as const;
export const SOURCES = ['patrol', 'hotline', 'app', 'open311'] as const;

export const reportBody = {
  type: 'object',
  required: ['lng', 'lat', 'category'],
  additionalProperties: false,
  properties: {
    lng: { type: 'number', description: 'x in the given crs (degrees, or metres for EPSG:3857)' },
    lat: { type: 'number' },
    crs: { type: 'string', enum: [...CRS], default: 'WGS84', description: 'GCJ02 = 火星坐标 (AMap, Tencent); BD09 = Baidu' },
    category: { type: 'string', minLength: 1, maxLength: 20 },
    class: { type: 'string', enum: ['ordinary', 'immediate', 'emergency'], description: 'Overrides the category\'s class' },
    description: { type: 'string', maxLength: 4000, default: '' },
    source: { type: 'string', enum: [...SOURCES], default: 'patrol' },
    reporterContact: { type: 'string', maxLength: 200, description: 'Personal data: stored, shown only to dispatchers and admins' },
    jurisdictionId: { type: 'integer', description: 'Only for users not bound to a jurisdiction; restricts the grid lookup' },
  },
} as const;

export const actionBody = {
  type: 'object',
  required: ['action'],
  additionalProperties: false,
  properties: {
    action: { type: 'string', enum: [...ACTIONS] },
    note: { type: 'string', maxLength: 4000 },
    department: { anyOf: [{ type: 'string', minLength: 1, maxLength: 40 }, { type: 'integer' }], description: 'dispatch: department code or id' },
    satisfaction: { type: 'integer', minimum: 1, maximum: 5 },
    approver: { type: 'string', minLength: 1, maxLength: 200 },
    limit: { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?(h|d|wh|wd)$', description: 'extend: extra time, e.g. 3wd' },
    category: { type: 'string', maxLength: 20 },
    class: { type: 'string', enum: ['ordinary', 'immediate', 'emergency'] },
    attachments: { type: 'array', maxItems: 20, items: { type: 'integer' } },
    version: { type: 'integer', minimum: 1 },
  },
} as const;

export const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: { type: 'string', pattern: `^(${STATUSES.join('|')})(,(${STATUSES.join('|')}))*$`, description: 'one status or several, comma-separated; "open" is not a status: use light or the four open ones' },
    light: { type: 'string', enum: ['green', 'yellow', 'red', 'none'] },
    category: { type: 'string', description: 'a minor code, or a major code for all its minors' },
    grid: { type: 'string', description: 'a grid code of any tier' },
    department: { type: 'string', description: 'department code or id' },
    class: { type: 'string', enum: ['ordinary', 'immediate', 'emergency'] },
    source: { type: 'string', enum: [...SOURCES, 'import'] },
    bbox: { type: 'string', pattern: '^-?[0-9.]+,-?[0-9.]+,-?[0-9.]+,-?[0-9.]+$', description: 'minLng,minLat,maxLng,maxLat (WGS84)' },
    from: { type: 'string', format: 'date-time', description: 'reported at or after' },
    to: { type: 'string', format: 'date-time', description: 'reported before' },
    synthetic: { type: 'boolean' },
    jurisdictionId: { type: 'integer' },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 50 },
    offset: { type: 'integer', minimum: 0, default: 0 },
    format: { type: 'string', enum: ['json', 'geojson'], default: 'json' },
    access_token: { type: 'string' },
  },
} as const;

export const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;
