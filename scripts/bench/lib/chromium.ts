/**
 * Headless Chromium for benchmarks: launch, in-page marks (map created, first idle), frame-time
 * recording from requestAnimationFrame, and the JS heap through the DevTools protocol.
 * (A folder, not a file in scripts/bench/, so the bench runner does not take it for a benchmark.)
 */
import fs from 'node:fs';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';

/** The same flags as client/test/browser.ts (measured to work with Debian's Chromium in containers). */
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => p && fs.existsSync(p)) ?? '';

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}

/**
 * tsx (esbuild, keepNames) wraps named functions in `__name(fn, "name")`; functions handed to
 * the page are serialised with that call in them, so the page needs a no-op `__name`.
 */
export const NAME_SHIM = { content: 'globalThis.__name = globalThis.__name || ((f) => f);' };

/** ready: the map's first idle (tiers drawn); overlay: deck.gl's overlay attached (labels follow). */
export interface Marks {
  created: number[]; ready?: number; overlay?: number; domContentLoaded?: number; rendersBeforeReady?: number;
  /** When each map frame before the first idle was drawn, and when each tile reached the map (by source). */
  renderTimes: number[]; tileTimes: { source: string; at: number }[];
}

declare global {
  interface Window {
    __benchMarks?: Marks;
    __benchFrames?: { on: boolean; deltas: number[] };
  }
}

/**
 * Runs before the page's own scripts: notes when MapView assigns window.__wangge (the map is
 * built) and when it first sets `ready` (the map's first 'idle', i.e. its tiles drawn), in ms
 * since navigation start.
 */
export function instrument(): void {
  const marks: Marks = { created: [], renderTimes: [], tileTimes: [] };
  window.__benchMarks = marks;
  addEventListener('DOMContentLoaded', () => { marks.domContentLoaded = performance.now(); });
  let current: unknown;
  Object.defineProperty(window, '__wangge', {
    configurable: true,
    get: () => current,
    set(o: { ready: boolean; overlay: unknown; map: { on(type: string, f: (e: { sourceId?: string; tile?: unknown }) => void): void } }) {
      current = o;
      marks.created.push(performance.now());
      let renders = 0;
      o.map.on('render', () => {
        renders++;
        if (marks.ready === undefined) marks.renderTimes.push(performance.now());
      });
      o.map.on('sourcedata', (e) => {
        if (e.tile && marks.ready === undefined) marks.tileTimes.push({ source: e.sourceId ?? '?', at: performance.now() });
      });
      let overlay = o.overlay;
      Object.defineProperty(o, 'overlay', {
        configurable: true, enumerable: true,
        get: () => overlay,
        set(v: unknown) {
          if (v && marks.overlay === undefined) marks.overlay = performance.now();
          overlay = v;
        },
      });
      let ready = o.ready;
      Object.defineProperty(o, 'ready', {
        configurable: true, enumerable: true,
        get: () => ready,
        set(v: boolean) {
          if (v && marks.ready === undefined) { marks.ready = performance.now(); marks.rendersBeforeReady = renders; }
          ready = v;
        },
      });
    },
  });
}

export async function waitReady(page: Page): Promise<Marks> {
  await page.waitForFunction(() => window.__benchMarks?.ready !== undefined && window.__benchMarks.overlay !== undefined && window.__wangge?.map.loaded(), null, { timeout: 180_000, polling: 100 });
  return page.evaluate(() => window.__benchMarks!);
}

/** Starts recording the time between animation frames. */
export async function startFrames(page: Page): Promise<void> {
  await page.evaluate(() => {
    const rec = { on: true, deltas: [] as number[] };
    window.__benchFrames = rec;
    let last = performance.now();
    const tick = (t: number) => {
      rec.deltas.push(t - last);
      last = t;
      if (rec.on) requestAnimationFrame(tick);
    };
    requestAnimationFrame((t) => { last = t; requestAnimationFrame(tick); });
  });
}

export interface FrameStats { frames: number; p50: number; p95: number; p99: number; max: number; fps: number; over50: number }

export async function stopFrames(page: Page): Promise<FrameStats> {
  const d = await page.evaluate(() => { window.__benchFrames!.on = false; return window.__benchFrames!.deltas; });
  const sorted = [...d].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
  const total = d.reduce((s, x) => s + x, 0);
  return { frames: d.length, p50: at(50), p95: at(95), p99: at(99), max: sorted[sorted.length - 1] ?? Number.NaN, fps: d.length / (total / 1000), over50: d.filter((x) => x > 50).length / Math.max(1, d.length) };
}

export interface MainThread { task: number; script: number; at: number }

const sessions = new WeakMap<Page, Promise<CDPSession>>();

/**
 * The renderer main thread's accumulated busy time (CDP TaskDuration, ScriptDuration; seconds).
 * One DevTools session per page: Performance.enable starts the counters afresh.
 */
export async function mainThread(page: Page): Promise<MainThread> {
  let cdp = sessions.get(page);
  if (!cdp) {
    cdp = page.context().newCDPSession(page).then(async (c) => { await c.send('Performance.enable'); return c; });
    sessions.set(page, cdp);
  }
  const { metrics } = await (await cdp).send('Performance.getMetrics');
  const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
  return { task: m.TaskDuration, script: m.ScriptDuration, at: performance.now() };
}

/** Share of wall-clock time the main thread was busy between two readings, and of it in script. */
export function busy(a: MainThread, b: MainThread): { busy: number; script: number } {
  const span = (b.at - a.at) / 1000;
  return { busy: (b.task - a.task) / span, script: (b.script - a.script) / span };
}

export interface HeapStats { used: number; total: number; nodes: number; listeners: number }

/** JS heap after a forced garbage collection (CDP HeapProfiler.collectGarbage, then Performance.getMetrics). */
export async function heap(page: Page): Promise<HeapStats> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('Performance.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.collectGarbage');
    const { metrics } = await cdp.send('Performance.getMetrics');
    const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
    return { used: m.JSHeapUsedSize, total: m.JSHeapTotalSize, nodes: m.Nodes, listeners: m.JSEventListeners };
  } finally {
    await cdp.detach();
  }
}

/**
 * The page's heap by constructor (after GC): self size and count of each kind of object, from
 * a CDP heap snapshot — two of them, subtracted, say what grew.
 */
export async function heapByConstructor(page: Page): Promise<Map<string, { count: number; size: number }>> {
  const cdp = await page.context().newCDPSession(page);
  const chunks: string[] = [];
  cdp.on('HeapProfiler.addHeapSnapshotChunk', (e: { chunk: string }) => { chunks.push(e.chunk); });
  try {
    await cdp.send('HeapProfiler.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  } finally {
    await cdp.detach();
  }
  const snap = JSON.parse(chunks.join('')) as { snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }; nodes: number[]; strings: string[] };
  const f = snap.snapshot.meta.node_fields;
  const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((k) => f.indexOf(k));
  const types = snap.snapshot.meta.node_types[0];
  const out = new Map<string, { count: number; size: number }>();
  for (let i = 0; i < snap.nodes.length; i += f.length) {
    const type = types[snap.nodes[i + iType]];
    // Objects by constructor; strings, arrays, code and the rest by their kind.
    const key = type === 'object' || type === 'closure' ? `${type === 'closure' ? 'ƒ ' : ''}${snap.strings[snap.nodes[i + iName]]}` : `(${type})`;
    const e = out.get(key) ?? { count: 0, size: 0 };
    e.count += 1;
    e.size += snap.nodes[i + iSize];
    out.set(key, e);
  }
  return out;
}
