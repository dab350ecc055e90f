/**
 * The analyst's time window: steps of a week or a month in UTC, as the server's space-time cube
 * counts them (date_trunc in UTC; weeks start on Monday), so a window of the slider is exactly
 * a run of the emerging analysis's steps.
 */

export type Step = 'week' | 'month';

const DAY = 86_400_000;

/** The start (UTC midnight) of the step containing `t`. */
export function stepStart(t: number, step: Step): number {
  const d = new Date(t);
  if (step === 'month') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const midnight = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  const sinceMonday = (d.getUTCDay() + 6) % 7;
  return midnight - sinceMonday * DAY;
}

/** `t` moved by `n` steps (t must be a step start). */
export function addSteps(t: number, step: Step, n: number): number {
  if (step === 'week') return t + n * 7 * DAY;
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1);
}

/** The step starts from the one holding `first` to the one holding `last`, both included. */
export function stepsBetween(first: number, last: number, step: Step, max = 5_000): number[] {
  const out: number[] = [];
  for (let t = stepStart(first, step); t <= last && out.length < max; t = addSteps(t, step, 1)) out.push(t);
  return out;
}

/** YYYY-MM-DD of a UTC instant (the server's step labels and our from/to query values). */
export function isoDay(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

export interface Window {
  /** Inclusive start, UTC midnight. */
  from: number;
  /** Exclusive end. */
  to: number;
}

/**
 * The window of `width` steps that starts at step `index` of `steps`; clamped so that it stays
 * inside the data's span (the last window ends after the last step).
 */
export function windowAt(steps: number[], step: Step, index: number, width: number): Window | null {
  if (steps.length === 0) return null;
  const w = Math.max(1, Math.min(width, steps.length));
  const i = Math.max(0, Math.min(index, steps.length - w));
  return { from: steps[i], to: addSteps(steps[i], step, w) };
}

/** The last index the slider may reach for this width. */
export function lastIndex(steps: number[], width: number): number {
  return Math.max(0, steps.length - Math.max(1, Math.min(width, steps.length)));
}

/** The playback's next index: one step on, back to the start after the last window. */
export function nextIndex(index: number, steps: number[], width: number): number {
  return index >= lastIndex(steps, width) ? 0 : index + 1;
}

/** A window as people read it: the last day is the day before the exclusive end. */
export function windowLabel(win: Window, lang: string): string {
  const fmt = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
  return `${fmt.format(win.from)} – ${fmt.format(win.to - DAY)}`;
}

/** Window widths offered for each step (in steps). */
export const WIDTHS: Record<Step, number[]> = { week: [1, 2, 4, 13, 52], month: [1, 3, 6, 12] };
