import type { Lang, MessageKey } from '../../i18n/index.ts';
import type { CrossedHardItem, FlagDetail } from './api.ts';

type T = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** The i18n key of a grid's flag (the server's codes: tower, enclosed, empty). */
export function flagKey(flag: string): MessageKey {
  return flag === 'tower' ? 'pl_flagTower' : flag === 'enclosed' ? 'pl_flagEnclosed' : 'pl_flagEmpty';
}

/** "30 and 25" / "30和25": the pieces towers cut off, as one figure list in the reader's language. */
function figures(lang: Lang, ns: number[]): string {
  return new Intl.ListFormat(lang, { style: 'long', type: 'conjunction' }).format(ns.map(String));
}

/**
 * Why a grid is flagged, in the reader's language with the server's figures (flagDetail). A grid
 * of a job stored before the server sent flagDetail has only the English flagReason: English
 * readers get it, others the flag's explanation in their own words (the grid's households are
 * shown beside it anyway).
 */
export function flagWhy(g: { flag: string; flagReason: string | null; flagDetail?: FlagDetail | null }, lang: Lang, t: T): string {
  const d = g.flagDetail;
  if (d) {
    const unit = t(d.by === 'people' ? 'pl_unitPeople' : 'pl_unitHouseholds');
    switch (d.code) {
      case 'tower': {
        const cut = d.cutOff?.length ? t('pl_whyTowerCutOff', { n: figures(lang, d.cutOff), unit }) : '';
        return t('pl_whyTower', { n: d.holds, unit, hi: d.hi }) + cut;
      }
      case 'enclosed': return t('pl_whyEnclosed', { n: d.holds, unit, lo: d.lo });
      case 'whole_area': return t('pl_whyWholeArea', { n: d.holds, unit, lo: d.lo });
      case 'empty': return t('pl_flagWhyEmpty');
    }
  }
  if (lang === 'en' && g.flagReason) return g.flagReason;
  return t(g.flag === 'tower' ? 'pl_flagWhyTower' : g.flag === 'enclosed' ? 'pl_flagWhyEnclosed' : 'pl_flagWhyEmpty');
}

/** Why a proposed grid crosses a hard barrier (metrics.crossedHardDetails), in the reader's language. */
export function crossedWhy(c: CrossedHardItem, t: T): string {
  return t('pl_whyCrossedEmpty', { grid: c.grid ?? '—' });
}
