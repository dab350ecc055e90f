import type { Lang } from '../../i18n/index.ts';

/** Numbers as the reader's language writes them. */
export function num(lang: Lang, x: number | null | undefined, digits = 0): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  return x.toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN', { maximumFractionDigits: digits });
}

/** An area: m² below a hectare, km² above 0.1 km², ha between. */
export function area(lang: Lang, m2: number | null | undefined): string {
  if (m2 === null || m2 === undefined || !Number.isFinite(m2)) return '–';
  if (m2 >= 100_000) return `${num(lang, m2 / 1e6, 2)} km²`;
  if (m2 >= 10_000) return `${num(lang, m2 / 1e4, 2)} ha`;
  return `${num(lang, m2, m2 < 10 ? 2 : 0)} m²`;
}
