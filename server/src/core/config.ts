import path from 'node:path';
import { envSchema } from 'env-schema';

/** Everything Wangge reads from the environment, checked once at start. */
export interface Config {
  HOST: string;
  PORT: number;
  DATABASE_URL?: string;
  WANGGE_DATA_DIR: string;
  WANGGE_ADMIN_PASSWORD?: string;
  WANGGE_DEMO: boolean;
  WANGGE_BODY_LIMIT_MB: number;
  WANGGE_UPLOAD_LIMIT_MB: number;
  WANGGE_DWELLING_M2: number;
  WANGGE_DEFAULT_LEVELS: number;
  WANGGE_BASEMAP_STYLE_URL?: string;
  WANGGE_TOKEN_TTL_HOURS: number;
  WANGGE_TILE_CACHE_MB: number;
  WANGGE_TILE_FEATURE_CAP: number;
  WANGGE_TILE_FAST_PATH: boolean;
  LOG_LEVEL: string;
}

const schema = {
  type: 'object',
  properties: {
    HOST: { type: 'string', default: '127.0.0.1', minLength: 1 },
    PORT: { type: 'integer', minimum: 0, maximum: 65535, default: 8080 },
    DATABASE_URL: { type: 'string', pattern: '^postgres(ql)?://' },
    WANGGE_DATA_DIR: { type: 'string', default: 'data', minLength: 1 },
    WANGGE_ADMIN_PASSWORD: { type: 'string', minLength: 8 },
    WANGGE_DEMO: { type: 'boolean', default: true },
    WANGGE_BODY_LIMIT_MB: { type: 'number', exclusiveMinimum: 0, default: 20 },
    WANGGE_UPLOAD_LIMIT_MB: { type: 'number', exclusiveMinimum: 0, default: 50 },
    // Mean floor area of one dwelling, gross m²; households = footprint × levels ÷ this.
    WANGGE_DWELLING_M2: { type: 'number', exclusiveMinimum: 0, default: 90 },
    // Levels assumed for a residential building whose OSM tags give none.
    WANGGE_DEFAULT_LEVELS: { type: 'integer', minimum: 1, maximum: 200, default: 4 },
    WANGGE_BASEMAP_STYLE_URL: { type: 'string', pattern: '^(https?://|/)' },
    WANGGE_TOKEN_TTL_HOURS: { type: 'number', exclusiveMinimum: 0, default: 12 },
    // In-process cache of encoded vector tiles, by size.
    WANGGE_TILE_CACHE_MB: { type: 'number', minimum: 0, default: 128 },
    // Features per tile at most; a tile that would hold more is cut and says so in a header.
    WANGGE_TILE_FEATURE_CAP: { type: 'integer', minimum: 1, default: 50000 },
    // Plain tile GETs answered before Fastify (server/src/tiles/fast-path.ts); false sends them all through the route.
    WANGGE_TILE_FAST_PATH: { type: 'boolean', default: true },
    LOG_LEVEL: { type: 'string', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' },
  },
} as const;

export class ConfigError extends Error {}

/** Reads and validates the environment; a bad value throws one readable line per problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const data: Record<string, unknown> = {};
  for (const key of Object.keys(schema.properties)) {
    if (env[key] !== undefined && env[key] !== '') data[key] = env[key];
  }
  let config: Config;
  try {
    config = envSchema<Config>({ schema, data, dotenv: false });
  } catch (err) {
    const message = (err as Error).message.replace(/^env\/?/, '').replace(/, env\//g, '; ');
    throw new ConfigError(`Invalid configuration: ${message}`);
  }
  const merged = { ...config, ...overrides };
  merged.WANGGE_DATA_DIR = path.resolve(merged.WANGGE_DATA_DIR);
  return merged;
}
