import { AsyncLocalStorage } from 'node:async_hooks';
import type { QueryResultRow } from 'pg';
import type { Db, Queryable } from '../core/db.ts';

/**
 * Cooperative cancellation of a partition job. The job runner (jobs.ts) runs the engine inside
 * `withSignal`, so the long loops (regionalisation, local search, baselines) can check the
 * job's AbortSignal without every caller threading it through: `signalOf(explicit)` gives the
 * explicit signal or the ambient one. Aborting with a `Cancelled` reason makes `throwIfAborted`
 * throw exactly that error.
 */
const ambient = new AsyncLocalStorage<AbortSignal>();

export function withSignal<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
  return ambient.run(signal, fn);
}

export function signalOf(explicit?: AbortSignal): AbortSignal | undefined {
  return explicit ?? ambient.getStore();
}

/**
 * The database as a job sees it: every statement first checks the job's signal, so a cancelled
 * job stops after the statement that is running (inside a transaction, which then rolls back),
 * not only between the engine's stages.
 */
export function abortableDb(db: Db, signal: AbortSignal): Db {
  const guard = (q: Queryable): Queryable => ({
    query: <R extends QueryResultRow>(text: string, params?: unknown[]) => {
      signal.throwIfAborted();
      return q.query<R>(text, params);
    },
  });
  return {
    kind: db.kind,
    pool: db.pool,
    query: guard(db).query,
    tx: (fn) => db.tx((q) => fn(guard(q))),
    close: () => db.close(),
  };
}
