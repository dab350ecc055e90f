/**
 * A strict check of the ISO 8601 dates and date-times the query strings take (`from`, `to`):
 * `YYYY-MM-DD`, optionally `THH:MM[:SS[.fff…]]` and `Z` or an offset. `Date.parse` alone lets
 * through what PostgreSQL then refuses mid-query (a 500): 2026-02-30 (V8 rolls it over to
 * March), year 0000 (PostgreSQL has no year zero), offsets past ±15:59.
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):?(\d{2}))?)?$/;

export function isIsoDateTime(v: string): boolean {
  const m = ISO.exec(v);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > new Date(Date.UTC(2000, mo, 0)).getUTCDate() + (mo === 2 && !leap(y) ? -1 : 0)) return false;
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || (m[6] !== undefined && Number(m[6]) > 59))) return false;
  if (m[8] !== undefined && (Number(m[8]) > 15 || Number(m[9]) > 59)) return false;
  return !Number.isNaN(Date.parse(v));
}

const leap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
