import type { Lang } from '../../i18n/index.ts';
import type { Category, ChainLink, Department, Incident } from './api.ts';

export const nameOf = (x: { name: string; nameEn?: string | null } | null | undefined, lang: Lang): string =>
  (x ? (lang === 'en' ? x.nameEn || x.name : x.name) : '');

export function categoryLabel(c: Incident['category'] | Category, lang: Lang): string {
  return `${c.code} ${nameOf(c, lang)}`;
}

export function departmentLabel(d: Department | Incident['department'], lang: Lang): string {
  return d ? nameOf(d, lang) : '';
}

export function chainLabel(link: ChainLink, lang: Lang): string {
  const tier = lang === 'en' ? link.tierNameEn || link.tierName : link.tierName;
  return `${tier ? `${tier} ` : ''}${nameOf(link, lang)}`;
}

/** The smallest grid of a case's chain, by name. */
export function gridName(i: Incident, lang: Lang): string {
  const leaf = i.gridChain[i.gridChain.length - 1];
  return leaf ? nameOf(leaf, lang) : i.gridCode ?? '—';
}

export function formatTime(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}

/** "in 3 h" / "5 h overdue" style: the signed distance of a deadline from now, in hours or days. */
export function untilParts(iso: string, now = Date.now()): { overdue: boolean; amount: number; unit: 'h' | 'd' | 'min' } {
  const ms = Date.parse(iso) - now;
  const abs = Math.abs(ms);
  const overdue = ms < 0;
  if (abs < 3_600_000) return { overdue, amount: Math.max(1, Math.round(abs / 60_000)), unit: 'min' };
  if (abs < 48 * 3_600_000) return { overdue, amount: Math.round(abs / 3_600_000), unit: 'h' };
  return { overdue, amount: Math.round(abs / 86_400_000), unit: 'd' };
}
