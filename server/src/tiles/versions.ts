import type { EventEmitter } from 'node:events';
import pg from 'pg';
import type { Db, Queryable } from '../core/db.ts';

/** The channel every data-version bump is announced on (migration 0018), payload "<layer>:<version>". */
export const VERSIONS_CHANNEL = 'wangge_layer_versions';

/**
 * The data versions of the map layers, as this process last read or heard them. Edits bump them
 * in the database (bump_layer_version) in the edit's own transaction, and each bump is announced
 * with NOTIFY when that transaction commits. This process learns them:
 *  - while it listens (`watchVersions`): from the notifications, as the bumps commit — no poll;
 *  - while it does not (no listener yet, or its connection was lost): by a read at most
 *    `maxAgeMs` old, done by the request that finds the versions older than that;
 *  - after an in-process edit event (`invalidate()`): the next request reads them at once (a
 *    notification could still be on its way);
 *  - from a tile rendered with its versions (`learn()`), when a client named a newer version than
 *    the one known.
 * Every version known here was committed before it became known, so a statement started after
 * reading it sees data at least as new as it (the tile route files bare tiles under it).
 */
export class LayerVersions {
  private versions = new Map<string, number>();
  private readAt = 0;
  /** Moves on every invalidate(): a read that started before it must not count as fresh. */
  private generation = 0;
  private inflight: Promise<void> | null = null;
  private listening = false;

  constructor(private q: Queryable, private maxAgeMs = 1000) {}

  async refresh(): Promise<void> {
    this.inflight ??= (async () => {
      const startedAt = Date.now();
      const generation = this.generation;
      try {
        const { rows } = await this.q.query<{ layer: string; version: number }>('SELECT layer, version FROM layer_versions');
        for (const r of rows) this.raise(r.layer, r.version);
        if (generation === this.generation) this.readAt = startedAt;
      } finally {
        this.inflight = null;
      }
    })();
    return this.inflight;
  }

  /** A read that starts now (not one already under way, which could miss a bump just committed). */
  async readAfterNow(): Promise<void> {
    await this.inflight?.catch(() => undefined);
    await this.refresh();
  }

  /** Forget when the versions were read: the next request reads them again (an edit in this process). */
  invalidate(): void {
    this.readAt = 0;
    this.generation++;
  }

  /** Listening or not (see watchVersions): while listening, versions read once stay current. */
  setListening(on: boolean): void {
    this.listening = on;
  }

  get isListening(): boolean {
    return this.listening;
  }

  /** A bump heard (NOTIFY payload "<layer>:<version>"). */
  heard(payload: string): void {
    const i = payload.lastIndexOf(':');
    if (i > 0) this.raise(payload.slice(0, i), Number(payload.slice(i + 1)));
  }

  private fresh(): boolean {
    return this.readAt > 0 && (this.listening || Date.now() - this.readAt <= this.maxAgeMs);
  }

  /** The composite version when the known versions are current; null when they must be read. */
  known(layers: readonly string[]): string | null {
    return this.fresh() ? this.compose(layers) : null;
  }

  /** The composite version of a tileset, e.g. "4.1.17" for grids, households, incidents. */
  async of(layers: readonly string[], wanted?: string, fresh = false): Promise<string> {
    if (fresh || !this.fresh()) await this.refresh();
    let v = this.compose(layers);
    if (wanted !== undefined && wanted !== v && isNewer(wanted, v)) {
      await this.refresh();
      v = this.compose(layers);
    }
    return v;
  }

  /** Versions read by a tile query in the same snapshot as its data ("4.1.17" for these layers). */
  learn(layers: readonly string[], composite: string): void {
    const parts = composite.split('.');
    layers.forEach((l, i) => this.raise(l, Number(parts[i])));
  }

  /** Versions only move forward: an older answer that arrives late never wins. */
  private raise(layer: string, version: number): void {
    if (Number.isFinite(version) && version > (this.versions.get(layer) ?? 0)) this.versions.set(layer, version);
  }

  private compose(layers: readonly string[]): string {
    let out = '';
    for (let i = 0; i < layers.length; i++) out += (i ? '.' : '') + (this.versions.get(layers[i]) ?? 0);
    return out;
  }
}

/**
 * Keeps `versions` current from the bumps' notifications; returns the function that stops.
 * After LISTEN the versions are read once (a bump committed before LISTEN is in that read, one
 * after it is heard), and only then are they trusted without a poll.
 *  - PostgreSQL: a connection of its own that only listens; when it is lost the versions are
 *    polled again (as before) until a new one listens (retried every second).
 *  - Embedded: the one backend sends a notification to the connection whose commit raised it,
 *    so they arrive on this process's pooled connections (passed on as the pool's
 *    'notification' event, core/db.ts). The data folder is locked to one process and this pool
 *    is its only writer, so every bump is heard; another connection to the socket (test files
 *    sharing one embedded database) is not — its bumps reach this process through TileJSON
 *    reads and tiles that name a newer version, never a tile filed under a version it lacks.
 */
export async function watchVersions(db: Db, versions: LayerVersions): Promise<() => Promise<void>> {
  const onNotification = (m: pg.Notification) => {
    if (m.channel === VERSIONS_CHANNEL && m.payload) versions.heard(m.payload);
  };
  if (db.kind === 'embedded') {
    // The pool's own event (core/db.ts passes on its connections' notifications); pg's Pool type
    // does not list it.
    const pool = db.pool as unknown as EventEmitter;
    pool.on('notification', onNotification);
    try {
      await db.query(`LISTEN ${VERSIONS_CHANNEL}`);
      await versions.readAfterNow();
      versions.setListening(true);
    } catch {
      // Not listening: the versions are polled as before.
    }
    // No UNLISTEN: the backend is shared by every connection of this database.
    return async () => { versions.setListening(false); pool.off('notification', onNotification); };
  }

  let stopped = false;
  let client: pg.Client | null = null;
  let retry: NodeJS.Timeout | undefined;
  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: db.pool.options.connectionString, application_name: 'wangge-versions' });
    c.on('notification', onNotification);
    const lost = () => {
      if (client === c) { client = null; versions.setListening(false); }
      c.removeAllListeners('end');
      c.on('error', () => undefined);
      c.end().catch(() => undefined);
      if (!stopped && retry === undefined) retry = setTimeout(() => { retry = undefined; void connect(); }, 1000).unref();
    };
    c.on('error', lost);
    c.on('end', lost);
    try {
      await c.connect();
      await c.query(`LISTEN ${VERSIONS_CHANNEL}`);
      if (stopped) { await c.end(); return; }
      client = c;
      await versions.readAfterNow();
      if (client === c) versions.setListening(true);
    } catch {
      lost();
    }
  };
  await connect();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    versions.setListening(false);
    const c = client;
    client = null;
    if (c) { c.removeAllListeners('end'); await c.end().catch(() => undefined); }
  };
}

/** True when any part of a is ahead of b (a client that saw an edit this process has not read yet). */
export function isNewer(a: string, b: string): boolean {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  return pa.length === pb.length && pa.some((n, i) => Number.isFinite(n) && n > pb[i]);
}
