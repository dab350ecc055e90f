import type { Config } from './config.ts';
import type { Db } from './db.ts';
import type { TokenStore } from './auth.ts';

/** What every feature plugin can reach through `app.wangge`. */
export interface Wangge {
  config: Config;
  db: Db;
  tokens: TokenStore;
}

declare module 'fastify' {
  interface FastifyInstance {
    wangge: Wangge;
  }
}
