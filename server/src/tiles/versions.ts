import type { Queryable } from '../core/db.ts';

/**
 * The data versions of the map layers, as this process last read them. Edits bump them in
 * the database (bump_layer_version) in the edit's own transaction. This process learns them
 * three ways: a poll at most `maxAgeMs` old (edits by other processes), an in-process event of
 * an edit (`invalidate()`: the next request reads them at once), and every uncached tile, whose
 * query returns the versions of the snapshot it read (`learn()`), so a client that names a
 * newer version than the one known costs no extra round trip.
 */
export class LayerVersions {
  private versions = new Map<string, number>();
  private readAt = 0;
  private inflight: Promise<void> | null = null;

  constructor(private q: Queryable, private maxAgeMs = 1000) {}

  async refresh(): Promise<void> {
    this.inflight ??= (async () => {
      const startedAt = Date.now();
      try {
        const { rows } = await this.q.query<{ layer: string; version: number }>('SELECT layer, version FROM layer_versions');
        for (const r of rows) this.raise(r.layer, r.version);
        this.readAt = startedAt;
      } finally {
        this.inflight = null;
      }
    })();
    return this.inflight;
  }

  /** Forget when the versions were read: the next request reads them again (an edit in this process). */
  invalidate(): void {
    this.readAt = 0;
  }

  /** The composite version when the known versions are fresh enough; null when they must be read. */
  known(layers: readonly string[]): string | null {
    return Date.now() - this.readAt > this.maxAgeMs ? null : this.compose(layers);
  }

  /** The composite version of a tileset, e.g. "4.1.17" for grids, households, incidents. */
  async of(layers: readonly string[], wanted?: string, fresh = false): Promise<string> {
    if (fresh || Date.now() - this.readAt > this.maxAgeMs) await this.refresh();
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

/** True when any part of a is ahead of b (a client that saw an edit this process has not read yet). */
export function isNewer(a: string, b: string): boolean {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  return pa.length === pb.length && pa.some((n, i) => Number.isFinite(n) && n > pb[i]);
}
