import type { Queryable } from '../core/db.ts';
import { addLimit, DEFAULT_CALENDAR, parseLimit, type CalendarSpec } from './calendar.ts';

export type IncidentClass = 'ordinary' | 'immediate' | 'emergency';
export const CLASSES: IncidentClass[] = ['ordinary', 'immediate', 'emergency'];

export interface ClassLimits { handle: string | null; close: string }

export interface AssessmentScheme {
  /** Weights of the 0–100 parts; they are normalised to sum 1. */
  weights: { closure: number; onTime: number; satisfaction: number; rework: number };
  /** On-time rate at or above this earns full marks for that part (Jinhua: 70 %). */
  onTimeFull: number;
  /** Points taken off the on-time part per percentage point below onTimeFull. */
  onTimePenaltyPerPoint: number;
  /** Points taken off the score when emergency cases due in the period are not all closed. */
  emergencyPenalty: number;
}

/** What a jurisdiction can configure (jurisdictions.attributes.incidents), merged over these defaults. */
export interface IncidentSettings {
  classes: Record<IncidentClass, ClassLimits>;
  /** Share of a deadline's time after which the light turns yellow. */
  yellowShare: number;
  calendar: Omit<CalendarSpec, 'exceptions'>;
  assessment: AssessmentScheme;
}

export const DEFAULT_SETTINGS: IncidentSettings = {
  classes: {
    // 一般事件: closed within 7 working days.
    ordinary: { handle: null, close: '7wd' },
    // 紧急/即时事件: handled within 24 h, closed within 3 working days.
    immediate: { handle: '24h', close: '3wd' },
    // 突发/应急事件: at once — a short clock limit that weekends do not stop.
    emergency: { handle: '1h', close: '2h' },
  },
  yellowShare: 0.75,
  calendar: { timeZone: DEFAULT_CALENDAR.timeZone, workdays: DEFAULT_CALENDAR.workdays, hours: DEFAULT_CALENDAR.hours },
  assessment: {
    weights: { closure: 0.3, onTime: 0.4, satisfaction: 0.2, rework: 0.1 },
    onTimeFull: 0.7,
    onTimePenaltyPerPoint: 2,
    emergencyPenalty: 20,
  },
};

type Partialish<T> = { [K in keyof T]?: T[K] extends object ? Partialish<T[K]> : T[K] };

function merge<T>(base: T, over: Partialish<T> | undefined): T {
  if (!over || typeof over !== 'object' || Array.isArray(over)) return (over as T) ?? base;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) {
    const b = (base as Record<string, unknown>)[k];
    out[k] = v !== null && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' ? merge(b, v as never) : v;
  }
  return out as T;
}

export function mergeSettings(over: unknown): IncidentSettings {
  return merge(DEFAULT_SETTINGS, over as Partialish<IncidentSettings>);
}

export interface Resolved { settings: IncidentSettings; calendar: CalendarSpec }

/** A jurisdiction's settings and full calendar (its own exception days over the shared ones). */
export async function loadSettings(q: Queryable, jurisdictionId: number): Promise<Resolved> {
  const { rows } = await q.query<{ s: unknown }>("SELECT attributes->'incidents' AS s FROM jurisdictions WHERE id = $1", [jurisdictionId]);
  const settings = mergeSettings(rows[0]?.s ?? undefined);
  const days = await q.query<{ day: string; working: boolean }>(
    `SELECT DISTINCT ON (day) day::text AS day, working FROM calendar_days
      WHERE jurisdiction_id = $1 OR jurisdiction_id IS NULL
      ORDER BY day, jurisdiction_id NULLS LAST`, [jurisdictionId]);
  const exceptions: Record<string, boolean> = {};
  for (const d of days.rows) exceptions[d.day] = d.working;
  return { settings, calendar: { ...settings.calendar, exceptions } };
}

export interface Deadlines { handleWarnAt: Date | null; handleDueAt: Date | null; closeWarnAt: Date | null; closeDueAt: Date }

/** The deadlines of a case of this class/category reported at `start`. */
export function deadlinesFor(start: Date, cls: IncidentClass, category: { handle_limit: string | null; close_limit: string | null }, r: Resolved): Deadlines {
  const classLimits = r.settings.classes[cls];
  const handle = category.handle_limit ?? classLimits.handle;
  const close = category.close_limit ?? classLimits.close;
  const share = r.settings.yellowShare;
  const h = handle ? parseLimit(handle) : null;
  const c = parseLimit(close);
  return {
    handleWarnAt: h ? addLimit(start, h, r.calendar, share) : null,
    handleDueAt: h ? addLimit(start, h, r.calendar) : null,
    closeWarnAt: addLimit(start, c, r.calendar, share),
    closeDueAt: addLimit(start, c, r.calendar),
  };
}
