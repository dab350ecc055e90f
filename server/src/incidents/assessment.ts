import type { AssessmentScheme } from './settings.ts';

/** One group's counts as the database gives them. */
export interface Counts {
  key: string | null; name: string | null; due: number; closed: number; on_time: number; reworked: number; extended: number;
  parked: number; avg_hours: number | null; avg_satisfaction: number | null; emergency_due: number; emergency_closed: number;
  yellow?: number; red?: number;
}

export interface Figures {
  key: string | null; name: string | null;
  due: number; closed: number; onTime: number; reworked: number; extended: number; parked: number;
  /** 结案率, 按期结案率, 返工率, 延期率: percentages of the cases due, 2 decimals. */
  closureRate: number | null; onTimeRate: number | null; reworkRate: number | null; extensionRate: number | null;
  avgHandlingHours: number | null; avgSatisfaction: number | null;
  emergencyDue: number; emergencyClosed: number;
  /** Open cases of the period whose light is yellow / red now. */
  yellow: number; red: number;
  score: number | null; rank: number | null;
}

const pct = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10000) / 100 : null);
const round = (x: number | null, digits: number) => (x === null || x === undefined ? null : Math.round(Number(x) * 10 ** digits) / 10 ** digits);

/**
 * The composite 0–100 score (管理考核), Jinhua-style by default: closure rate, on-time rate
 * (full marks at or above the threshold, minus points per percentage point below it),
 * satisfaction (1 → 0, 5 → 100) and rework (100 − rework rate), weighted; a part with no data
 * (no evaluations yet) drops out and the other weights are scaled up. Emergency cases must all
 * be closed: any open one takes the penalty off.
 */
export function score(f: Omit<Figures, 'score' | 'rank'>, s: AssessmentScheme): number | null {
  if (f.due === 0 || f.closureRate === null || f.onTimeRate === null || f.reworkRate === null) return null;
  const parts: [number, number | null][] = [
    [s.weights.closure, f.closureRate],
    [s.weights.onTime, f.onTimeRate >= s.onTimeFull * 100 ? 100 : Math.max(0, 100 - (s.onTimeFull * 100 - f.onTimeRate) * s.onTimePenaltyPerPoint)],
    [s.weights.satisfaction, f.avgSatisfaction === null ? null : ((f.avgSatisfaction - 1) / 4) * 100],
    [s.weights.rework, 100 - f.reworkRate],
  ];
  const used = parts.filter((p): p is [number, number] => p[1] !== null);
  const weight = used.reduce((a, [w]) => a + w, 0);
  if (weight <= 0) return null;
  let total = used.reduce((a, [w, v]) => a + w * v, 0) / weight;
  if (f.emergencyDue > f.emergencyClosed) total -= s.emergencyPenalty;
  return Math.round(Math.min(100, Math.max(0, total)) * 10) / 10;
}

export function figures(c: Counts, s: AssessmentScheme): Figures {
  const f = {
    key: c.key, name: c.name, due: c.due, closed: c.closed, onTime: c.on_time, reworked: c.reworked, extended: c.extended, parked: c.parked,
    closureRate: pct(c.closed, c.due), onTimeRate: pct(c.on_time, c.due), reworkRate: pct(c.reworked, c.due), extensionRate: pct(c.extended, c.due),
    avgHandlingHours: round(c.avg_hours, 1), avgSatisfaction: round(c.avg_satisfaction, 2),
    emergencyDue: c.emergency_due, emergencyClosed: c.emergency_closed, yellow: c.yellow ?? 0, red: c.red ?? 0,
  };
  return { ...f, score: score(f, s), rank: null };
}

/** Ranks by score, best first; equal scores share a rank (1, 2, 2, 4); no score, no rank. */
export function rank(rows: Figures[]): Figures[] {
  const sorted = [...rows].sort((a, b) => (b.score ?? -1) - (a.score ?? -1) || b.due - a.due || String(a.key).localeCompare(String(b.key)));
  let prev: number | null = null;
  let prevRank = 0;
  sorted.forEach((r, i) => {
    if (r.score === null) return;
    r.rank = r.score === prev ? prevRank : i + 1;
    prev = r.score;
    prevRank = r.rank;
  });
  return sorted;
}

const CSV_COLUMNS: (keyof Figures)[] = ['rank', 'key', 'name', 'due', 'closed', 'onTime', 'closureRate', 'onTimeRate', 'reworked', 'reworkRate', 'extended', 'extensionRate', 'parked', 'avgHandlingHours', 'avgSatisfaction', 'emergencyDue', 'emergencyClosed', 'yellow', 'red', 'score'];

const cell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) || /^[=+\-@]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** CSV with a BOM so spreadsheet programs read the Chinese names as UTF-8. */
export function toCsv(rows: Figures[]): string {
  return `\uFEFF${CSV_COLUMNS.join(',')}\r\n${rows.map((r) => CSV_COLUMNS.map((c) => cell(r[c])).join(',')).join('\r\n')}\r\n`;
}
