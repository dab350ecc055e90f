/**
 * The map wall and the panorama in headless Chromium against the whole product (the built client
 * served by the app over this database, the Monaco demo loaded, WANGGE_BENCH_WALL_INCIDENTS
 * incidents present):
 *  1. first map paint (navigation → the map's first 'idle', tiles drawn) for / and /wall;
 *  2. wall frame times (requestAnimationFrame deltas) idle, while panning/zooming, and during a
 *     burst of 100 live incidents over 10 s;
 *  3. the JavaScript the panorama loads first, gzipped, and the wall's lazy chunk (goal ≤ 1.5 MB);
 *  4. the wall's JS heap after its first minute and after a compressed hour of live work
 *     (3,600 reports and their steps in WANGGE_BENCH_WALL_MINUTES minutes; goal ≤ 1.2×).
 * Chromium here draws with SwiftShader (software GL): frame figures are an upper bound.
 * Env: WANGGE_BENCH_WALL_INCIDENTS (default 100000), WANGGE_BENCH_WALL_MINUTES (default 3),
 * WANGGE_BENCH_WALL_VIEWPORT (default 1920x1080), WANGGE_BENCH_WALL_MEMORY_VIEWPORT (default 960x540:
 * the heap is the same, and software GL at full size starves the server of CPU), WANGGE_BENCH_WALL_RUNS
 * (cold loads, default 3), WANGGE_BENCH_WALL_CLIENTS (concurrent API clients, default 4).
 */
import { execSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { build } from '../../server/src/app.ts';
import { ensureAdmin } from '../../server/src/core/bootstrap.ts';
import { generateIncidents } from '../../server/src/incidents/generator.ts';
import { DEMO_JURISDICTION, loadDemo } from '../../server/src/osm/demo.ts';
import type { BenchContext } from './context.ts';
import { busy, CHROMIUM, heap, heapByConstructor, mainThread, NAME_SHIM, instrument, launch, startFrames, stopFrames, waitReady, type FrameStats, type HeapStats, type Marks } from './lib/chromium.ts';
import { runLoad, type LoadReport } from './lib/load.ts';

const INCIDENTS = Number(process.env.WANGGE_BENCH_WALL_INCIDENTS ?? 100_000);
const MINUTES = Number(process.env.WANGGE_BENCH_WALL_MINUTES ?? 3);
const RUNS = Number(process.env.WANGGE_BENCH_WALL_RUNS ?? 3);
const [VW, VH] = (process.env.WANGGE_BENCH_WALL_VIEWPORT ?? '1920x1080').split('x').map(Number);
const [MW, MH] = (process.env.WANGGE_BENCH_WALL_MEMORY_VIEWPORT ?? '960x540').split('x').map(Number);
const CONCURRENCY = Number(process.env.WANGGE_BENCH_WALL_CLIENTS ?? 4);
/** Which parts to run: server (request times), paint (first paint and JS size), frames, memory. */
const PARTS = new Set((process.env.WANGGE_BENCH_WALL_PARTS ?? 'server,paint,frames,memory').split(',').map((p) => p.trim()));
const PANORAMA_VIEWPORT = { width: 1280, height: 800 };
const GOAL_JS_BYTES = 1.5e6;

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const kb = (b: number) => `${(b / 1024).toFixed(0)} KB`;
const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

export default async function wallBench(ctx: BenchContext): Promise<void> {
  const { db, config, report } = ctx;
  if (!CHROMIUM) { report('No Chromium (set CHROMIUM_PATH or apt-get install chromium): wall bench skipped.'); return; }
  const dist = buildClient();

  // The demo area, as on a first start, unless an earlier bench file left it.
  let t0 = performance.now();
  let jid = (await db.query<{ id: number }>('SELECT id FROM jurisdictions WHERE name = $1', [DEMO_JURISDICTION])).rows[0]?.id;
  if (!jid) {
    jid = (await loadDemo(db, config, () => undefined)).jurisdictionId;
    report(`demo area (Monaco) loaded in ${s(performance.now() - t0)}`);
  }
  const have = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents WHERE jurisdiction_id = $1', [jid])).rows[0].n;
  if (INCIDENTS > have) {
    t0 = performance.now();
    const g = await db.tx((q) => generateIncidents(q, jid, { count: INCIDENTS - have, seed: 8, days: 365, batch: 20_000 }));
    await db.query('ANALYZE incidents');
    report(`${g.inserted.toLocaleString('en')} of ${g.requested.toLocaleString('en')} synthetic incidents written by demo:incidents' generator (it drops draws outside the grids) over the last 365 days in ${s(performance.now() - t0)}`);
  }
  const total = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents')).rows[0].n;
  report(`incidents in the database: **${total.toLocaleString('en')}**; viewport: wall ${VW}×${VH}, panorama ${PANORAMA_VIEWPORT.width}×${PANORAMA_VIEWPORT.height}, device pixel ratio 1`);

  const password = crypto.randomBytes(12).toString('base64url');
  await ensureAdmin(db, password);
  const serverLog = path.resolve(`data/bench/wall-server-${ctx.kind}.log`);
  fs.rmSync(serverLog, { force: true });
  const app = await build({ config, db, logger: { level: 'error', file: serverLog }, serveClient: false });
  await serveClient(app, dist);
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const browser = await launch();
  try {
    const call = async <T>(method: string, p: string, token: string | null, body?: unknown): Promise<T> => {
      const res = await fetch(`${base}${p}`, { method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
      if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };
    const admin = (await call<{ token: string }>('POST', '/api/auth/login', null, { username: 'admin', password })).token;
    const kiosk = await call<{ url: string }>('POST', '/api/kiosk-tokens', admin, { name: 'wall bench' });
    const wallUrl = `${base}${kiosk.url}&lang=en`;
    report(`browser: ${browser.version()} (software GL: ANGLE on SwiftShader, no GPU); machine load average (1 min) at the start: ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`);

    if (PARTS.has('server')) await serverSide(base, admin, report);
    if (!PARTS.has('paint') && !PARTS.has('frames') && !PARTS.has('memory')) return;
    const wallPage = PARTS.has('paint') ? await firstPaint(browser, base, wallUrl, report) : null;
    if (wallPage) await jsSize(dist, report, wallPage.scripts.panorama, wallPage.scripts.wall);

    // Live load: valid minor categories and points in the demo area's bounds that lie in a grid.
    const categories = (await call<{ code: string; parentCode: string | null; active?: boolean }[]>('GET', '/api/categories?flat=true', null)).filter((c) => c.parentCode).map((c) => c.code);
    const bounds = (await call<{ bounds: [number, number, number, number] }>('GET', '/tiles/grids.json', admin)).bounds;
    const points = await pointsIn(ctx, jid, bounds, 500);
    const department = (await call<{ code: string }[]>('GET', `/api/departments?jurisdictionId=${jid}`, admin))[0].code;
    const load = { baseUrl: base, token: admin, jurisdictionId: jid, points, categories, department, concurrency: CONCURRENCY };

    const burst = () => runLoad({ ...load, incidents: 100, spanMs: 10_000, stepGapMs: 0, hardStopMs: 30_000 });
    if (wallPage && !PARTS.has('frames')) await wallPage.page.context().close();
    if (PARTS.has('frames')) {
      report(`\nWall frame times: ms between animation frames; main thread = share of the time the page's main thread was busy (of it, in script).`);
      report('\n| viewport | wall doing | frames | p50 | p95 | p99 | max | fps | > 50 ms | main thread | notes |\n|---|---|---|---|---|---|---|---|---|---|---|');
      const big = wallPage?.page ?? await (async () => { const o = await open(browser, wallUrl, { width: VW, height: VH }); await o.loaded; return o.page; })();
      await frames(big, `${VW}×${VH}`, report, burst);
      await big.context().close();
    }
    if (PARTS.has('frames') && VW * VH > 960 * 540) {
      const small = await open(browser, wallUrl, { width: 960, height: 540 });
      await small.loaded;
      await frames(small.page, '960×540', report, burst);
      await small.page.context().close();
    }
    if (PARTS.has('memory')) await memory(browser, wallUrl, report, (spanMs) => runLoad({ ...load, incidents: 3600, spanMs, stepGapMs: spanMs * (8 / 60), hardStopMs: spanMs * 3 + 30_000 }));
  } finally {
    await browser.close();
    await app.close();
    serverErrors(serverLog, report);
    report(`Machine load average (1 min) at the end: ${os.loadavg()[0].toFixed(1)}.`);
  }
}

/** The server's logged errors during the run (5xx), by message. */
function serverErrors(file: string, report: (l: string) => void): void {
  const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
  const by = new Map<string, number>();
  for (const l of lines) {
    try {
      const e = JSON.parse(l) as { err?: { message?: string }; msg?: string };
      const m = e.err?.message ?? e.msg ?? '?';
      by.set(m, (by.get(m) ?? 0) + 1);
    } catch { by.set('unparsed log line', (by.get('unparsed log line') ?? 0) + 1); }
  }
  report(`\nServer errors logged during the run: ${lines.length}${by.size ? ` — ${[...by].sort((a, b) => b[1] - a[1]).map(([m, n]) => `${n}× "${m}"`).join('; ')}` : ''} (${path.relative(process.cwd(), file)}).`);
}

/**
 * The client built from the current sources into the bench's own folder: client/dist is shared
 * with every other build on this checkout (npm start, the browser tests, other sessions) and may
 * be rewritten halfway through a run, which leaves a page whose chunks 404.
 */
function buildClient(): string {
  const out = path.resolve('data/bench/wall-client');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  execSync(`npx vite build --logLevel warn --outDir ${JSON.stringify(out)} --emptyOutDir`, { stdio: 'inherit' });
  return out;
}

/** Serves that build as app.ts does for client/dist: long-cached fingerprinted assets, index.html for / and /wall. */
async function serveClient(app: FastifyInstance, dist: string): Promise<void> {
  await app.register(fastifyStatic, {
    root: dist, wildcard: false, index: false, cacheControl: false, preCompressed: true,
    setHeaders: (reply, file) => { reply.header('cache-control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache'); },
  });
  // "/" as app.ts ends up serving it: @fastify/static (preCompressed, no wildcard) answers 404
  // for "/" to a browser that accepts br or gzip, and app.ts's not-found handler sends index.html.
  for (const url of ['/', '/wall']) app.get(url, { schema: { hide: true } }, (_request, reply) => reply.type('text/html').header('cache-control', 'no-cache').send(fs.createReadStream(path.join(dist, 'index.html'))));
}

/** The requests a wall makes, timed on the server side at this incident count (uncached). */
async function serverSide(base: string, token: string, report: (l: string) => void): Promise<void> {
  const time = async (p: string) => {
    const t = performance.now();
    const res = await fetch(`${base}${p}`, { headers: { authorization: `Bearer ${token}` } });
    await res.arrayBuffer();
    return { ms: performance.now() - t, status: res.status };
  };
  const rows: string[] = [];
  // The summary is cached per time zone for 5 s: each of these asks anew.
  const summary = [];
  for (const tz of ['UTC', 'Europe/Monaco', 'Asia/Shanghai']) summary.push(await time(`/api/wall/summary?tz=${encodeURIComponent(tz)}`));
  rows.push(`| GET /api/wall/summary (uncached; the wall polls it every 30 s and after live events) | ${summary.map((x) => x.ms.toFixed(0)).join(', ')} ms |`);
  const from = new Date(Date.now() - 12 * 7 * 86_400_000).toISOString().slice(0, 10);
  const emerging = await time(`/api/hotspots/emerging?unit=h3&res=9&step=week&from=${from}`);
  rows.push(`| GET /api/hotspots/emerging, 12 weeks (every 10 min) | ${emerging.ms.toFixed(0)} ms (HTTP ${emerging.status}) |`);
  report('\n| wall request | time |\n|---|---|');
  rows.forEach((r) => report(r));
}

interface Loaded { marks: Marks; tiles: number; scripts: Map<string, { raw: number; gzip: number; encoding: string | null }> }

async function open(browser: Browser, url: string, viewport: { width: number; height: number }): Promise<{ page: Page; loaded: Promise<Loaded> }> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  await context.addInitScript(NAME_SHIM);
  await context.addInitScript(instrument);
  const page = await context.newPage();
  let tiles = 0;
  const scripts: Loaded['scripts'] = new Map();
  const bodies: Promise<void>[] = [];
  page.on('request', (r) => { if (r.url().includes('/tiles/') && r.url().includes('.mvt')) tiles++; });
  page.on('response', (r) => {
    // blob: scripts are workers the page builds from code it already has, not downloads.
    if (r.request().resourceType() !== 'script' || !r.url().startsWith('http')) return;
    bodies.push(r.body().then((b) => { scripts.set(new URL(r.url()).pathname, { raw: b.length, gzip: zlib.gzipSync(b, { level: 9 }).length, encoding: r.headers()['content-encoding'] ?? null }); }).catch(() => undefined));
  });
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  const loaded = (async () => {
    await page.goto(url);
    const marks = await waitReady(page).catch((err: Error) => {
      throw new Error(`${url} never drew its map: ${err.message}\n${problems.slice(0, 20).join('\n') || 'no page errors'}`);
    });
    const n = tiles;
    await Promise.all(bodies);
    return { marks, tiles: n, scripts };
  })();
  return { page, loaded };
}

async function firstPaint(browser: Browser, base: string, wallUrl: string, report: (l: string) => void) {
  report(`\nFirst map paint: ms from navigation start to the map's first 'idle' (its tiles drawn), ${RUNS} cold loads (fresh browser context) and one warm reload.`);
  report('\n| page | DOMContentLoaded | map built | first idle (cold, median) | cold runs | deck.gl overlay (labels) | warm reload | tile requests | frames drawn before it |\n|---|---|---|---|---|---|---|---|---|');
  const scripts: Record<'panorama' | 'wall', Loaded['scripts']> = { panorama: new Map(), wall: new Map() };
  let wallPage: Page | null = null;
  for (const [name, url, viewport] of [['panorama', `${base}/?lang=en`, PANORAMA_VIEWPORT], ['wall', wallUrl, { width: VW, height: VH }]] as const) {
    const cold: Loaded[] = [];
    let page: Page | null = null;
    for (let i = 0; i < RUNS; i++) {
      if (page) await page.context().close();
      const o = await open(browser, url, viewport);
      page = o.page;
      cold.push(await o.loaded);
    }
    scripts[name] = cold[0].scripts;
    if (process.env.WANGGE_BENCH_WALL_TRACE) {
      // The last cold load's requests in the order they started: what the first paint waited for.
      const entries = await page!.evaluate(() => performance.getEntriesByType('resource').map((e) => {
        const r = e as PerformanceResourceTiming;
        return { name: r.name.replace(location.origin, '').slice(0, 90), start: r.startTime, end: r.responseEnd, wait: r.responseStart - r.requestStart };
      }));
      report(`\n${name} requests (ms from navigation start; server wait = request sent → first byte):`);
      for (const e of entries) report(`    ${e.start.toFixed(0).padStart(6)} → ${e.end.toFixed(0).padStart(6)}  wait ${e.wait.toFixed(0).padStart(5)}  ${e.name}`);
      // What the map drew before its first idle: each frame, and each tile as it reached the map.
      const last = cold[cold.length - 1].marks;
      report(`${name} frames before the first idle (ms): ${last.renderTimes.map((t) => t.toFixed(0)).join(', ')}`);
      report(`${name} tiles reaching the map (ms, source): ${last.tileTimes.map((t) => `${t.at.toFixed(0)} ${t.source}`).join(', ')}`);
    }
    await page!.reload();
    const warm = await waitReady(page!);
    const rebuilt = cold.some((c) => c.marks.created.length > 1) ? ' (map built more than once!)' : '';
    report(`| ${name === 'panorama' ? '/' : '/wall?kiosk=…'} | ${median(cold.map((c) => c.marks.domContentLoaded ?? Number.NaN)).toFixed(0)} | ${median(cold.map((c) => c.marks.created[0])).toFixed(0)} | **${median(cold.map((c) => c.marks.ready!)).toFixed(0)}** | ${cold.map((c) => c.marks.ready!.toFixed(0)).join(', ')} | ${median(cold.map((c) => c.marks.overlay ?? Number.NaN)).toFixed(0)} | ${warm.ready!.toFixed(0)} | ${cold[0].tiles} | ${median(cold.map((c) => c.marks.rendersBeforeReady ?? Number.NaN))}${rebuilt} |`);
    if (name === 'wall') wallPage = page; else await page!.context().close();
  }
  return { page: wallPage!, scripts };
}

async function jsSize(dist: string, report: (l: string) => void, panorama: Loaded['scripts'], wall: Loaded['scripts']): Promise<void> {
  const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
  const initial = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="([^"]+\.js)"/g)].map((m) => m[1]);
  const sizes = initial.map((f) => {
    const b = fs.readFileSync(path.join(dist, f));
    return { f, raw: b.length, gzip: zlib.gzipSync(b, { level: 9 }).length };
  });
  const sum = (xs: { raw: number; gzip: number }[]) => ({ raw: xs.reduce((a, x) => a + x.raw, 0), gzip: xs.reduce((a, x) => a + x.gzip, 0) });
  const init = sum(sizes);
  report('\n| JavaScript | raw | gzip -9 |\n|---|---|---|');
  for (const x of sizes) report(`| ${x.f} | ${kb(x.raw)} | ${kb(x.gzip)} |`);
  report(`| **panorama, initial (index.html's script + modulepreloads)** | ${kb(init.raw)} | **${kb(init.gzip)}** (${((init.gzip / GOAL_JS_BYTES) * 100).toFixed(0)} % of the 1.5 MB goal) |`);
  const seen = sum([...panorama.values()]);
  report(`| panorama, every script the page fetched (network log, ${panorama.size} files) | ${kb(seen.raw)} | ${kb(seen.gzip)} |`);
  const extra = [...wall.entries()].filter(([p]) => !panorama.has(p));
  const lazy = sum(extra.map(([, v]) => v));
  report(`| wall's extra (lazy) chunks: ${extra.map(([p]) => path.basename(p)).join(', ')} | ${kb(lazy.raw)} | ${kb(lazy.gzip)} |`);
  // Everything the wall fetched: deck.gl is lazy on the panorama (after its first paint) but
  // the wall's chunk needs it, so it is not among the wall's "extra" chunks.
  const wallAll = sum([...wall.values()]);
  report(`| **wall, every script it fetched** (network log, ${wall.size} files) | ${kb(wallAll.raw)} | **${kb(wallAll.gzip)}** |`);
  const encodings = new Set([...panorama.values()].map((v) => v.encoding ?? 'none'));
  report(`\nContent-Encoding the server sent for these scripts: ${[...encodings].join(', ')}${encodings.has('none') ? ' — they travel uncompressed (raw column), gzip is what a compressing proxy or server would send' : ''}.`);
}

async function pointsIn(ctx: BenchContext, jid: number, b: [number, number, number, number], n: number): Promise<[number, number][]> {
  let seed = 7;
  const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const xs = Array.from({ length: n * 8 }, () => b[0] + rnd() * (b[2] - b[0]));
  const ys = Array.from({ length: n * 8 }, () => b[1] + rnd() * (b[3] - b[1]));
  const { rows } = await ctx.db.query<{ x: number; y: number }>(
    `SELECT p.x, p.y FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS p(x, y, i)
      WHERE EXISTS (SELECT 1 FROM grids g WHERE g.jurisdiction_id = $3 AND g.valid_to IS NULL AND g.tier = 1 AND ST_Intersects(g.geom, ST_SetSRID(ST_MakePoint(p.x, p.y), 4326)))
      ORDER BY p.i LIMIT $4`, [xs, ys, jid, n]);
  return rows.map((r) => [r.x, r.y]);
}

const frameRow = (viewport: string, what: string, f: FrameStats, cpu: { busy: number; script: number }, extra = '') =>
  `| ${viewport} | ${what} | ${f.frames} | ${f.p50.toFixed(1)} | **${f.p95.toFixed(1)}** | ${f.p99.toFixed(1)} | ${f.max.toFixed(0)} | ${f.fps.toFixed(1)} | ${(f.over50 * 100).toFixed(0)} % | ${(cpu.busy * 100).toFixed(0)} % (${(cpu.script * 100).toFixed(0)} %) | ${extra} |`;

async function frames(page: Page, viewport: string, report: (l: string) => void, burst: () => Promise<LoadReport>): Promise<void> {
  const measure = async <T>(what: () => Promise<T>): Promise<{ f: FrameStats; cpu: { busy: number; script: number }; out: T }> => {
    const a = await mainThread(page);
    await startFrames(page);
    const out = await what();
    const f = await stopFrames(page);
    return { f, cpu: busy(a, await mainThread(page)), out };
  };
  await sleep(2000);
  // A wall with nothing to show should not draw: count the map's renders while idle.
  const idle = await measure(async () => {
    await page.evaluate(() => { const w = window as unknown as { __benchRenders: number }; w.__benchRenders = 0; window.__wangge!.map.on('render', () => { w.__benchRenders++; }); });
    await sleep(5000);
    return page.evaluate(() => (window as unknown as { __benchRenders: number }).__benchRenders);
  });
  report(frameRow(viewport, 'idle, 5 s', idle.f, idle.cpu, `${idle.out} map renders`));

  const pan = await measure(() => page.evaluate(async (ms) => {
    const map = window.__wangge!.map;
    const pans: [number, number][] = [[240, 0], [0, 160], [-240, 0], [0, -160]];
    const end = performance.now() + ms;
    let i = 0, p = 0;
    while (performance.now() < end) {
      const done = new Promise((r) => map.once('moveend', r));
      if (i % 3 === 2) map.easeTo({ zoom: map.getZoom() + (Math.floor(i / 3) % 2 ? -1 : 1), duration: 700 });
      else map.panBy(pans[p++ % 4], { duration: 700 });
      await done;
      i++;
    }
    return i;
  }, 10_000));
  report(frameRow(viewport, 'panning/zooming (panBy/easeTo, 700 ms each), 10 s', pan.f, pan.cpu, `${pan.out} moves`));
  await page.evaluate(() => new Promise((r) => { const map = window.__wangge!.map; if (map.loaded()) r(null); else map.once('idle', r); }));

  const before = await page.evaluate(() => window.__wanggeWall!.liveEvents);
  let maxPulses = 0, polling = true;
  const poll = (async () => {
    while (polling) {
      maxPulses = Math.max(maxPulses, await page.evaluate(() => window.__wanggeWall!.pulses).catch(() => 0));
      await sleep(500);
    }
  })();
  const b = await measure(burst);
  await sleep(1500);
  polling = false;
  await poll;
  const load = b.out;
  const seen = (await page.evaluate(() => window.__wanggeWall!.liveEvents)) - before;
  report(frameRow(viewport, 'burst: 100 incidents reported over 10 s', b.f, b.cpu, `${load.reported} reported in ${s(load.elapsedMs)} (p50 ${load.reportP50.toFixed(0)} ms, p95 ${load.reportP95.toFixed(0)} ms${load.failed ? `, **${load.failed} failed**` : ''}); the wall saw ${seen} live events, up to ${maxPulses} pulses at once`));
}

async function memory(browser: Browser, wallUrl: string, report: (l: string) => void, hour: (spanMs: number) => Promise<LoadReport>): Promise<void> {
  const spanMs = MINUTES * 60_000;
  const { page, loaded } = await open(browser, wallUrl, { width: MW, height: MH });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await loaded;
  const since = await page.evaluate(() => performance.now());
  await sleep(Math.max(0, 60_000 - since));
  const first = await heap(page);
  const firstKinds = await heapByConstructor(page);
  const t0 = performance.now();
  // The heap every half minute while the hour runs: a plateau and a leak look different.
  const curve: string[] = [];
  let running = true;
  let firstLive: HeapStats | null = null;
  const sampler = (async () => {
    // The first simulated minute of live events (the goal's baseline): the wall has run the
    // code that events, pulses and reloaded tiles take, which V8 compiles once (heap snapshots:
    // ≈ 3 MB of code, against a few KB of data, between an idle minute and the hour's end).
    await sleep(spanMs / 60);
    firstLive = await heap(page);
    while (running) {
      await sleep(30_000);
      if (running) curve.push(`${((performance.now() - t0) / 60_000).toFixed(1)} min ${mb((await heap(page)).used)}`);
    }
  })();
  const load = await hour(spanMs);
  running = false;
  await sampler;
  const atEnd = await heap(page);
  // Pulses live up to 15 s and banners 20 s: after 25 s a quiet wall holds only what it keeps.
  await sleep(25_000);
  const settled = await heap(page);
  const wall = await page.evaluate(() => window.__wanggeWall!);
  report(`\nWall memory over a compressed hour: 3,600 reports, each followed by register → dispatch → handle → close ${((spanMs * (8 / 60)) / 1000).toFixed(0)} s apart (8 simulated minutes; steps due after the hour are not taken), spread over ${MINUTES} min (WANGGE_BENCH_WALL_MINUTES); ${CONCURRENCY} concurrent clients; wall at ${MW}×${MH}.`);
  report(`Load: ${load.reported} reports (p50 ${load.reportP50.toFixed(0)} ms, p95 ${load.reportP95.toFixed(0)} ms) and ${load.steps} steps (p50 ${load.stepP50.toFixed(0)} ms, p95 ${load.stepP95.toFixed(0)} ms) in ${s(load.elapsedMs)} (${((load.reported + load.steps) / (load.elapsedMs / 1000)).toFixed(1)} requests/s), most behind schedule ${s(load.maxLagMs)}, slowest request ${s(load.maxRequestMs)}, ${load.unfinished} not done at the hard stop, ${load.failed} failed${load.firstError ? ` (${load.firstError})` : ''}; the wall counted ${wall.liveEvents} live events in ${s(performance.now() - t0)}, stale: ${wall.stale}, page errors: ${errors.length ? errors.slice(0, 3).join(' | ') : 'none'}.`);
  report('\n| wall | JS heap used (after GC) | heap total | DOM nodes | listeners | ratio |\n|---|---|---|---|---|---|');
  const live = firstLive as HeapStats | null;
  for (const [what, h] of [['after the first minute, idle (no events yet)', first], ['after the first simulated minute of live events', live], ['right after the compressed hour', atEnd], ['25 s later (pulses and banners expired)', settled]] as const) {
    if (!h) continue;
    const ratios = h === first ? '1.00' : `${(h.used / first.used).toFixed(2)}× idle minute${live && h !== live ? `, **${(h.used / live.used).toFixed(2)}×** first live minute` : ''}`;
    report(`| ${what} | ${mb(h.used)} | ${mb(h.total)} | ${h.nodes} | ${h.listeners} | ${ratios} |`);
  }
  report('Goal: ≤ 1.2× the first minute after an hour of simulated live events.');
  report(`\nJS heap every 30 s during the hour: ${curve.join(' · ')}.`);
  const settledKinds = await heapByConstructor(page);
  const grew = [...settledKinds].map(([k, v]) => ({ k, count: v.count - (firstKinds.get(k)?.count ?? 0), size: v.size - (firstKinds.get(k)?.size ?? 0) }))
    .sort((a, b) => b.size - a.size).slice(0, 12);
  report('\nWhat grew between the first minute and the settled end (heap snapshots, self size):\n\n| objects | count | size |\n|---|---|---|');
  for (const g of grew) report(`| ${g.k.slice(0, 60).replace(/\|/g, '/')} | ${g.count >= 0 ? '+' : ''}${g.count} | ${g.size >= 0 ? '+' : ''}${kb(g.size)} |`);
  await page.context().close();
}
