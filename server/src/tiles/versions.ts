import type { Queryable } from '../core/db.ts';

/**
 * The data versions of the map layers, as this process last read them. Edits bump them in
 * the database (bump_layer_version) in the edit's own transaction; this reads them at most
 * `maxAgeMs` late, and at once when a client asks for a version newer than the one known.
 */
export class LayerVersions {
  private versions = new Map<string, number>();
  private readAt = 0;
  private inflight: Promise<void> | null = null;

  constructor(private q: Queryable, private maxAgeMs = 1000) {}

  async refresh(): Promise<void> {
    this.inflight ??= (async () => {
      try {
        const { rows } = await this.q.query<{ layer: string; version: number }>('SELECT layer, version FROM layer_versions');
        this.versions = new Map(rows.map((r) => [r.layer, r.version]));
        this.readAt = Date.now();
      } finally {
        this.inflight = null;
      }
    })();
    return this.inflight;
  }

  /** The composite version of a tileset, e.g. "4.1.17" for grids, households, incidents. */
  async of(layers: string[], wanted?: string, fresh = false): Promise<string> {
    if (fresh || Date.now() - this.readAt > this.maxAgeMs) await this.refresh();
    let v = this.compose(layers);
    if (wanted !== undefined && wanted !== v && isNewer(wanted, v)) {
      await this.refresh();
      v = this.compose(layers);
    }
    return v;
  }

  private compose(layers: string[]): string {
    return layers.map((l) => this.versions.get(l) ?? 0).join('.');
  }
}

/** True when any part of a is ahead of b (a client that saw an edit this process has not read yet). */
function isNewer(a: string, b: string): boolean {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  return pa.length === pb.length && pa.some((n, i) => Number.isFinite(n) && n > pb[i]);
}
