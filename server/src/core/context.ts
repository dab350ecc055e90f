import type { Config } from './config.ts';
import type { Db } from './db.ts';
import type { TokenStore } from './auth.ts';
import type { EventBus } from './events.ts';
import type { FastPath } from './fast-path.ts';

/** What every feature plugin can reach through `app.wangge`. */
export interface Wangge {
  config: Config;
  db: Db;
  tokens: TokenStore;
  events: EventBus;
  /** Handlers that answer some requests before Fastify; a feature adds its own as it registers. */
  fastPaths: FastPath[];
}

declare module 'fastify' {
  interface FastifyInstance {
    wangge: Wangge;
  }
}
