import type { Lang, MessageKey } from '../../i18n/index.ts';

type T = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** The i18n key of a grid's flag (the server's codes: tower, enclosed, empty). */
export function flagKey(flag: string): MessageKey {
  return flag === 'tower' ? 'pl_flagTower' : flag === 'enclosed' ? 'pl_flagEnclosed' : 'pl_flagEmpty';
}

/**
 * Why a grid is flagged. The server writes its reason in English with the figures of the case;
 * other languages get the flag's explanation in their own words (the grid's households are shown
 * beside it anyway).
 */
export function flagWhy(flag: string, reason: string | null, lang: Lang, t: T): string {
  if (lang === 'en' && reason) return reason;
  return t(flag === 'tower' ? 'pl_flagWhyTower' : flag === 'enclosed' ? 'pl_flagWhyEnclosed' : 'pl_flagWhyEmpty');
}
