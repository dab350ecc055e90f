/**
 * A paced stream of incident reports and closed-loop steps through the HTTP API, as a
 * dispatch centre would make them: the wall bench's live load.
 */
import { percentile } from '../context.ts';

export interface LoadOptions {
  baseUrl: string;
  token: string;
  jurisdictionId: number;
  /** Valid report points and minor category codes to draw from (in turn). */
  points: [number, number][];
  categories: string[];
  department: string;
  incidents: number;
  /** Reports are spread evenly over this span. */
  spanMs: number;
  /** Steps register → dispatch → handle → close follow each report this far apart (0: no steps). */
  stepGapMs: number;
  concurrency: number;
  /** Nothing new starts after this (ms from the start). */
  hardStopMs: number;
}

export interface LoadReport {
  reported: number;
  steps: number;
  failed: number;
  firstError: string | null;
  elapsedMs: number;
  /** How far behind schedule the last started request was (the server could not keep up when large). */
  maxLagMs: number;
  maxRequestMs: number;
  unfinished: number;
  reportP50: number;
  reportP95: number;
  stepP50: number;
  stepP95: number;
}

const STEPS = ['register', 'dispatch', 'handle', 'close'] as const;

interface Task { due: number; kind: 'report' | (typeof STEPS)[number]; n: number; id?: number }

export async function runLoad(o: LoadOptions): Promise<LoadReport> {
  const gap = o.spanMs / o.incidents;
  const queue: Task[] = Array.from({ length: o.incidents }, (_, n) => ({ due: n * gap, kind: 'report' as const, n }));
  const push = (t: Task) => {
    let lo = 0, hi = queue.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (queue[mid].due <= t.due) lo = mid + 1; else hi = mid; }
    queue.splice(lo, 0, t);
  };
  const reportTimes: number[] = [], stepTimes: number[] = [];
  let failed = 0, inFlight = 0, maxLag = 0, maxRequest = 0;
  let firstError: string | null = null;
  const headers = { authorization: `Bearer ${o.token}`, 'content-type': 'application/json' };
  const t0 = performance.now();
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  async function run(t: Task): Promise<void> {
    const started = performance.now();
    const body = t.kind === 'report'
      ? { lng: o.points[t.n % o.points.length][0], lat: o.points[t.n % o.points.length][1], category: o.categories[t.n % o.categories.length], description: `[bench] wall load ${t.n}`, source: 'hotline', jurisdictionId: o.jurisdictionId }
      : { action: t.kind, ...(t.kind === 'dispatch' ? { department: o.department } : {}) };
    const res = await fetch(`${o.baseUrl}/api/incidents${t.kind === 'report' ? '' : `/${t.id}/actions`}`, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) }).catch((e: Error) => e);
    const ms = performance.now() - started;
    maxRequest = Math.max(maxRequest, ms);
    if (res instanceof Error || !res.ok) {
      failed++;
      firstError ??= res instanceof Error ? res.message : `${t.kind}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`;
      return;
    }
    const json = (await res.json()) as { id?: number };
    (t.kind === 'report' ? reportTimes : stepTimes).push(ms);
    if (o.stepGapMs <= 0) return;
    const next = t.kind === 'report' ? 0 : STEPS.indexOf(t.kind) + 1;
    if (next < STEPS.length) push({ due: t.due + o.stepGapMs, kind: STEPS[next], n: t.n, id: t.id ?? json.id });
  }

  await Promise.all(Array.from({ length: o.concurrency }, async () => {
    for (;;) {
      const now = performance.now() - t0;
      if (now > o.hardStopMs) return;
      const head = queue[0];
      if (!head) {
        if (inFlight === 0) return;
        await sleep(10);
        continue;
      }
      if (head.due > now) { await sleep(Math.min(head.due - now, 20)); continue; }
      // A step whose report was scheduled within the span but that falls after it is dropped:
      // the simulated hour ends with cases still open, as a real one does.
      queue.shift();
      if (head.kind !== 'report' && head.due > o.spanMs) continue;
      maxLag = Math.max(maxLag, now - head.due);
      inFlight++;
      try { await run(head); } finally { inFlight--; }
    }
  }));
  reportTimes.sort((a, b) => a - b);
  stepTimes.sort((a, b) => a - b);
  return {
    reported: reportTimes.length, steps: stepTimes.length, failed, firstError, elapsedMs: performance.now() - t0, maxLagMs: maxLag, maxRequestMs: maxRequest,
    unfinished: queue.filter((t) => t.kind === 'report' || t.due <= o.spanMs).length,
    reportP50: percentile(reportTimes, 50), reportP95: percentile(reportTimes, 95), stepP50: percentile(stepTimes, 50), stepP95: percentile(stepTimes, 95),
  };
}
