import type { FastifyInstance } from 'fastify';
import type { Config } from '../../server/src/core/config.ts';
import type { Db } from '../../server/src/core/db.ts';

/** What each benchmark file gets: a migrated, otherwise empty database and a listening app. */
export interface BenchContext {
  kind: 'embedded' | 'postgres';
  db: Db;
  app: FastifyInstance;
  baseUrl: string;
  config: Config;
  /** Prints one line of the report (markdown: a table row or a sentence). */
  report(line: string): void;
}

export interface BenchModule {
  default(ctx: BenchContext): Promise<void>;
}

/** Percentile of already-sorted numbers. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}
