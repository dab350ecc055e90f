import { sqlFile, type Queryable } from '../core/db.ts';
import { addLimit, parseLimit } from './calendar.ts';
import { deadlinesFor, loadSettings, type IncidentClass } from './settings.ts';
import { mulberry32 } from '../core/random.ts';

/**
 * Synthetic incidents for demos and load tests: seeded (the same seed, count and anchor time
 * give the same rows), clearly marked (`synthetic = true`, "[demo]" descriptions), placed on
 * building points and roads with a few dense clusters, spread over the last `days` days with a
 * day/week rhythm, and carried through the loop as far as their times allow by `anchor` — so
 * the status mix, lights and late cases look like a working platform's. Written set-based in
 * batches: a JS pass draws each row, one INSERT … SELECT FROM unnest(…) per batch places,
 * locates and writes them, one more writes their histories.
 */
/** Session temp table demo_chains: every current grid of the jurisdiction with its chain. */
export async function prepareChains(q: Queryable, jurisdictionId: number): Promise<void> {
  // A multi-statement script cannot take parameters; the id is an integer, inlined.
  await q.query(sqlFile(import.meta.url, 'sql/chains-prepare.sql').replaceAll('$1', String(Math.trunc(jurisdictionId))));
}

export interface GenerateOptions {
  count: number;
  seed?: number;
  /** The "now" the rows are generated against (default: the real now, to the minute). */
  anchor?: Date;
  days?: number;
  batch?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface GenerateReport { requested: number; inserted: number; histories: number; byStatus: Record<string, number> }


const HOUR = 3_600_000;

// How often each minor category comes up (relative); the field's reports are dominated by
// facilities and sanitation.
const CATEGORY_WEIGHTS: Record<string, number> = {
  '0101': 5, '0102': 1.5, '0103': 1.5, '0104': 3, '0105': 0.5, '0201': 6, '0202': 8, '0203': 4, '0204': 1, '0205': 7,
  '0301': 12, '0302': 9, '0303': 6, '0304': 6, '0401': 2, '0402': 1, '0403': 0.3, '0404': 2, '0501': 3, '0502': 1.5,
  '0601': 5, '0602': 2, '0603': 0.7, '0701': 2, '0702': 1, '0703': 0.7, '0704': 1.2, '0801': 2,
};
// Patrols and calls come in daytime: relative weight per local hour 0–23.
const HOUR_WEIGHTS = [0.2, 0.1, 0.1, 0.1, 0.1, 0.3, 0.8, 2, 4, 5, 5, 4.5, 3, 3.5, 4.5, 4.5, 4, 3.5, 2.5, 2, 1.5, 1, 0.6, 0.3];
const SOURCES: [string, number][] = [['patrol', 0.6], ['hotline', 0.22], ['app', 0.15], ['open311', 0.03]];
const SATISFACTION: [number, number][] = [[5, 0.5], [4, 0.3], [3, 0.12], [2, 0.05], [1, 0.03]];

function pick<T>(items: [T, number][], r: number): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let x = r * total;
  for (const [v, w] of items) { x -= w; if (x < 0) return v; }
  return items[items.length - 1][0];
}

interface Cat { code: string; name: string; name_en: string; class: IncidentClass; handle_limit: string | null; close_limit: string | null; department_code: string | null }

export async function generateIncidents(q: Queryable, jurisdictionId: number, opts: GenerateOptions): Promise<GenerateReport> {
  const rand = mulberry32(opts.seed ?? 20261123);
  const anchor = opts.anchor ?? new Date(Math.floor(Date.now() / 60_000) * 60_000);
  const days = opts.days ?? 90;
  const batch = opts.batch ?? 10_000;
  const report: GenerateReport = { requested: opts.count, inserted: 0, histories: 0, byStatus: {} };

  await prepareChains(q, jurisdictionId);
  await q.query(sqlFile(import.meta.url, 'sql/demo-prepare.sql').replaceAll('$1', String(Math.trunc(jurisdictionId))));
  const sizes = (await q.query<{ b: number; r: number; g: number }>('SELECT (SELECT count(*) FROM demo_buildings)::int AS b, (SELECT count(*) FROM demo_roads)::int AS r, (SELECT count(*) FROM demo_chains)::int AS g')).rows[0];
  if (sizes.g === 0 || (sizes.b === 0 && sizes.r === 0)) return report;

  const cats = (await q.query<Cat>('SELECT code, name, name_en, class, handle_limit, close_limit, department_code FROM categories WHERE parent_code IS NOT NULL AND active ORDER BY code')).rows;
  const deps = new Map((await q.query<{ id: number; code: string }>('SELECT id, code FROM departments WHERE jurisdiction_id IS NULL OR jurisdiction_id = $1', [jurisdictionId])).rows.map((d) => [d.code, d.id]));
  const catPick: [Cat, number][] = cats.map((c) => [c, CATEGORY_WEIGHTS[c.code] ?? 1]);
  const hourPick: [number, number][] = HOUR_WEIGHTS.map((w, h) => [h, w]);
  const settings = await loadSettings(q, jurisdictionId);
  const tz = settings.calendar.timeZone;
  const tzOffsetH = (Date.parse(new Date(anchor).toLocaleString('en-US', { timeZone: tz })) - Date.parse(new Date(anchor).toLocaleString('en-US', { timeZone: 'UTC' }))) / HOUR;
  // Three cluster centres (buildings), where a share of cases pile up: a market, a station, a block.
  const centres = [0.13, 0.47, 0.81].map((f) => 1 + Math.floor(f * sizes.b));
  const extra = parseLimit('3wd');

  const insertSql = sqlFile(import.meta.url, 'sql/demo-insert.sql');
  const historySql = sqlFile(import.meta.url, 'sql/demo-history.sql');
  for (let start = 0; start < opts.count; start += batch) {
    const n = Math.min(batch, opts.count - start);
    const cols: unknown[][] = Array.from({ length: 27 }, () => []);
    for (let k = 0; k < n; k++) {
      const row = drawRow(start + k);
      row.forEach((v, c) => cols[c].push(v));
    }
    const ids = (await q.query<{ id: number }>(insertSql, [jurisdictionId, ...cols])).rows.map((r) => r.id);
    report.inserted += ids.length;
    if (ids.length) report.histories += (await q.query(historySql, [ids])).rowCount ?? 0;
    opts.onProgress?.(Math.min(start + n, opts.count), opts.count);
  }
  const { rows } = await q.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM incidents WHERE jurisdiction_id = $1 AND synthetic GROUP BY status ORDER BY status', [jurisdictionId]);
  for (const r of rows) report.byStatus[r.status] = r.n;
  await q.query('DROP TABLE IF EXISTS demo_buildings, demo_roads, demo_chains');
  await q.query("SELECT bump_layer_version('incidents')");
  return report;

  function drawRow(n: number): unknown[] {
    // Where: 65 % a building, 20 % a road, 15 % around a cluster centre.
    const where = rand();
    let kind = 0, idx = 1, frac = 0, dx = 0, dy = 0;
    if (where < 0.15 && sizes.b > 0) {
      kind = 2; idx = centres[Math.floor(rand() * centres.length)];
      const r = 90 * Math.sqrt(-2 * Math.log(rand() + 1e-12)), a = 2 * Math.PI * rand();
      dx = r * Math.cos(a); dy = r * Math.sin(a);
    } else if ((where < 0.35 && sizes.r > 0) || sizes.b === 0) {
      kind = 1; idx = 1 + Math.floor(rand() * sizes.r); frac = rand();
    } else {
      idx = 1 + Math.floor(rand() * sizes.b);
    }
    const cat = pick(catPick, rand());
    const source = pick(SOURCES, rand());
    // When: a day in the window (slightly more recent than old), an hour by the daily rhythm.
    const dayBack = Math.floor(Math.pow(rand(), 1.15) * days);
    const localHour = pick(hourPick, rand());
    const dayStart = Math.floor((anchor.getTime() + tzOffsetH * HOUR) / (24 * HOUR)) * 24 * HOUR - tzOffsetH * HOUR;
    let reported = dayStart - dayBack * 24 * HOUR + localHour * HOUR + Math.floor(rand() * 60) * 60_000;
    if (reported >= anchor.getTime()) reported = anchor.getTime() - Math.floor(1 + rand() * 120) * 60_000;
    // Weekends are quieter: move a share of weekend reports to the Friday before.
    const dow = new Date(reported + tzOffsetH * HOUR).getUTCDay();
    if ((dow === 0 || dow === 6) && rand() < 0.4) reported -= (dow === 6 ? 1 : 2) * 24 * HOUR;
    const cls = cat.class;
    const d = deadlinesFor(new Date(reported), cls, cat, settings);
    let closeDue = d.closeDueAt.getTime();
    let closeWarn = d.closeWarnAt!.getTime();
    let extended = false;
    if (rand() < 0.03) {
      extended = true;
      closeDue = addLimit(new Date(closeDue), extra, settings.calendar).getTime();
      closeWarn = addLimit(new Date(d.closeWarnAt!.getTime()), extra, settings.calendar).getTime();
    }
    const now = anchor.getTime();
    const at = (t: number | null) => (t !== null && t <= now ? new Date(t) : null);
    const rejected = rand() < 0.04;
    const urgent = cls === 'emergency' ? 0.1 : 1;
    const registered = rejected ? null : reported + (0.2 + rand() * 2.8) * HOUR * urgent;
    const dispatched = registered === null ? null : registered + (0.1 + rand() * 1.9) * HOUR * urgent;
    const escalations = rand() < 0.04 ? 1 : 0;
    const parked = dispatched !== null && rand() < 0.015 ? dispatched + 24 * HOUR : null;
    const late = rand() < 0.18;
    const span = Math.max(closeDue - (dispatched ?? reported), HOUR);
    let handled = dispatched === null || parked !== null ? null : dispatched + span * (late ? 1.02 + rand() * 0.8 : 0.1 + rand() * 0.75);
    const rework = handled !== null && rand() < 0.07 ? 1 : 0;
    if (rework && handled !== null) handled += span * 0.2;
    const closed = handled === null ? null : handled + (0.5 + rand() * (late ? 30 : 12)) * HOUR * urgent;
    const evaluated = closed !== null && rand() < 0.6 ? closed + (12 + rand() * 60) * HOUR : null;
    const satisfaction = pick(SATISFACTION, rand()) - (late || rework ? 1 : 0);

    let status = 'reported';
    if (rejected && reported + 2 * HOUR <= now) status = 'rejected';
    if (at(registered)) status = 'registered';
    if (at(dispatched)) status = 'dispatched';
    if (at(parked)) status = 'parked';
    const reworkSeen = rework && handled !== null && dispatched !== null && dispatched + (handled - dispatched) / 2 <= now;
    if (at(handled)) status = 'handled';
    if (at(closed)) status = 'closed';
    if (at(evaluated)) status = 'evaluated';
    const depId = deps.get(cat.department_code ?? 'governance-centre') ?? deps.get('governance-centre') ?? null;
    return [
      kind, idx, frac, dx, dy, cat.code, cls, status, source,
      new Date(reported), at(registered), status === 'reported' || status === 'rejected' || status === 'registered' ? null : at(dispatched),
      status === 'handled' || status === 'closed' || status === 'evaluated' ? at(handled) : null,
      status === 'closed' || status === 'evaluated' ? at(closed) : null, status === 'evaluated' ? at(evaluated) : null,
      status === 'parked' ? at(parked) : null,
      d.handleWarnAt, d.handleDueAt, new Date(closeWarn), new Date(closeDue),
      status === 'evaluated' ? Math.max(1, satisfaction) : null, reworkSeen ? 1 : 0,
      registered !== null && at(registered) ? escalations : 0,
      status === 'reported' || status === 'rejected' || status === 'registered' ? null : depId, extended, n + 1,
      `[demo] ${cat.name_en} · ${cat.name} (synthetic #${n + 1})`,
    ];
  }
}
