/**
 * The tile bench's client in a process of its own (started with `fork`, driven over IPC): it
 * times, one at a time, the raw tile statement on a pg connection of its own (unnamed, and
 * named) and the same tile through the HTTP endpoint on a kept-alive connection (the minimal
 * HTTP/1.1 client of http1.ts, or node:http with a keep-alive Agent) — both sides from the same
 * process, neither sharing the server's event loop, as a load generator (wrk, autocannon) and
 * psql would see them. The in-process measurement in tiles.ts puts the client's request and
 * response handling on the server's own event loop for the endpoint only; this one does not.
 */
import http from 'node:http';
import pg from 'pg';
import type { DbKind } from '../../../server/src/core/db.ts';
import { encodeRows } from '../../../server/src/tiles/encode.ts';
import type { TileRow } from '../../../server/src/tiles/mvt-writer.ts';
import { Http1Client } from './http1.ts';

/** One tile to time: the steps in the order given (the parent shuffles them per tile). */
export interface TileJob {
  path: string;
  sql: string;
  name: string;
  params: unknown[];
  /** The same tile from the bare floor server (tiles.ts): a node:http server running the statement. */
  floorPath: string;
  /**
   * 'http1' | 'node' time the endpoint (uncached, then the same URL again: cached); 'floor' and
   * 'floorNamed' the floor server with the statement unnamed or named.
   */
  steps: ('raw' | 'named' | 'http1' | 'node' | 'floor' | 'floorNamed')[];
}

export interface TileTimes {
  raw?: number;
  /** Embedded only: the raw query and the JS encoding the endpoint does there (ST_AsMVT's part on a real PostGIS). */
  rawEncoded?: number;
  named?: number; http1?: number; node?: number; cached?: number; floor?: number; floorNamed?: number; status?: number;
}

type Message = { type: 'init'; dbUrl: string; kind: DbKind; baseUrl: string; floorUrl: string } | { type: 'tile'; job: TileJob } | { type: 'end' };

let client: pg.Client;
let http1: Http1Client;
let floor: Http1Client;
let agent: http.Agent;
let base: string;
let kind: DbKind;

function nodeGet(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject);
  });
}

async function run(job: TileJob): Promise<TileTimes> {
  const out: TileTimes = {};
  for (const step of job.steps) {
    const t0 = performance.now();
    if (step === 'raw') {
      const r = await client.query(job.sql, job.params);
      out.raw = performance.now() - t0;
      if (kind === 'embedded') {
        encodeRows(r.rows as TileRow[]);
        out.rawEncoded = performance.now() - t0;
      }
    } else if (step === 'named') {
      // A name of its own: the embedded database's socket serves every connection from one backend,
      // where the server's pool has already prepared job.name.
      await client.query({ name: `${job.name}_client`, text: job.sql, values: job.params });
      out.named = performance.now() - t0;
    } else if (step === 'http1') {
      const r = await http1.get(job.path);
      const t1 = performance.now();
      out.http1 = t1 - t0;
      out.status = r.status;
      await http1.get(job.path);
      out.cached = performance.now() - t1;
    } else if (step === 'floor' || step === 'floorNamed') {
      const r = await floor.get(`${job.floorPath}&named=${step === 'floorNamed' ? 1 : 0}`);
      if (r.status !== 200 && r.status !== 204) throw new Error(`floor server: status ${r.status}`);
      out[step] = performance.now() - t0;
    } else {
      out.status = await nodeGet(`${base}${job.path}`);
      out.node = performance.now() - t0;
    }
  }
  return out;
}

process.on('message', (m: Message) => {
  void (async () => {
    if (m.type === 'init') {
      // The server's own session settings (core/db.ts: no JIT on a real server), so the raw query
      // runs under the same settings as the endpoint's statement.
      client = new pg.Client({ connectionString: m.dbUrl, application_name: 'wangge-bench-client', ...(m.kind === 'postgres' ? { options: '-c jit=off' } : {}) });
      await client.connect();
      http1 = Http1Client.fromUrl(m.baseUrl);
      floor = Http1Client.fromUrl(m.floorUrl);
      agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      base = m.baseUrl;
      kind = m.kind;
      process.send!({ type: 'ready' });
    } else if (m.type === 'tile') {
      process.send!({ type: 'times', times: await run(m.job) });
    } else {
      http1.close();
      floor.close();
      agent.destroy();
      await client.end();
      process.disconnect();
    }
  })().catch((err: unknown) => {
    process.send!({ type: 'error', message: String(err) });
  });
});
