/**
 * Colours and legends of the analyst's layers. One model feeds the legend on screen, the deck.gl
 * layers and the exported PNG, so the three cannot disagree.
 */
import type { MessageKey } from '../../i18n/index.ts';

export type Rgba = [number, number, number, number];
export type LayerKind = 'h3' | 'heatmap' | 'gi' | 'emerging' | 'own';

/** Gi* classes, ArcGIS's diverging scheme: red hot, blue cold, pale grey not significant. */
export const GI_COLOURS: Record<number, Rgba> = {
  3: [178, 24, 43, 220], 2: [239, 138, 98, 215], 1: [253, 219, 199, 210],
  0: [200, 200, 200, 70],
  [-1]: [209, 229, 240, 210], [-2]: [103, 169, 207, 215], [-3]: [33, 102, 172, 220],
};
export const GI_CLASSES = [3, 2, 1, 0, -1, -2, -3] as const;
export const giLabelKey = (c: number): MessageKey => (c < 0 ? `an_gi_m${-c}` : `an_gi_${c}`) as MessageKey;

/** Emerging hot spot categories, in ArcGIS's order; hot in reds, cold in blues. */
export const EMERGING: { code: string; colour: Rgba }[] = [
  { code: 'new_hot', colour: [255, 196, 0, 220] },
  { code: 'consecutive_hot', colour: [255, 140, 0, 220] },
  { code: 'intensifying_hot', colour: [200, 0, 30, 230] },
  { code: 'persistent_hot', colour: [230, 70, 60, 220] },
  { code: 'diminishing_hot', colour: [245, 150, 130, 220] },
  { code: 'sporadic_hot', colour: [204, 102, 153, 220] },
  { code: 'oscillating_hot', colour: [150, 60, 130, 220] },
  { code: 'historical_hot', colour: [140, 90, 60, 220] },
  { code: 'new_cold', colour: [120, 220, 220, 220] },
  { code: 'consecutive_cold', colour: [70, 180, 200, 220] },
  { code: 'intensifying_cold', colour: [10, 50, 160, 230] },
  { code: 'persistent_cold', colour: [50, 100, 200, 220] },
  { code: 'diminishing_cold', colour: [140, 170, 230, 220] },
  { code: 'sporadic_cold', colour: [100, 140, 120, 220] },
  { code: 'oscillating_cold', colour: [90, 90, 170, 220] },
  { code: 'historical_cold', colour: [80, 110, 130, 220] },
  { code: 'no_pattern', colour: [200, 200, 200, 60] },
];
const EMERGING_BY_CODE = new Map(EMERGING.map((e) => [e.code, e.colour]));
export const emergingColour = (code: string): Rgba => EMERGING_BY_CODE.get(code) ?? [200, 200, 200, 60];

/** Sequential YlOrRd for counts and rates. */
export const RAMP: Rgba[] = [
  [255, 255, 178, 190], [254, 204, 92, 200], [253, 141, 60, 210], [240, 59, 32, 220], [189, 0, 38, 230],
];
/** The heatmap's own colour range (deck.gl HeatmapLayer), low to high. */
export const HEAT_RANGE: [number, number, number][] = [[255, 255, 178], [254, 217, 118], [254, 178, 76], [253, 141, 60], [240, 59, 32], [189, 0, 38]];

/**
 * Class breaks for a sequential map: up to five classes at quantiles of the positive values,
 * rounded for reading (whole numbers for counts). `breaks[i]` is the lower bound of class i.
 */
export function quantileBreaks(values: number[], classes = RAMP.length, whole = true): number[] {
  const v = values.filter((x) => Number.isFinite(x) && x > 0).sort((a, b) => a - b);
  if (v.length === 0) return [0];
  const round = (x: number) => (whole ? Math.round(x) : Math.round(x * 100) / 100);
  const out: number[] = [round(v[0])];
  for (let i = 1; i < classes; i++) {
    const q = round(v[Math.min(v.length - 1, Math.floor((i * v.length) / classes))]);
    if (q > out[out.length - 1]) out.push(q);
  }
  return out;
}

export function classOf(value: number, breaks: number[]): number {
  let c = 0;
  for (let i = 1; i < breaks.length; i++) if (value >= breaks[i]) c = i;
  return c;
}

/** The colour of a value for breaks of fewer than five classes: spread over the whole ramp. */
export function rampColour(value: number, breaks: number[]): Rgba {
  const c = classOf(value, breaks);
  const idx = breaks.length <= 1 ? RAMP.length - 1 : Math.round((c * (RAMP.length - 1)) / (breaks.length - 1));
  return RAMP[idx];
}

export interface LegendItem { colour: Rgba; label: string; count?: number }
export interface LegendModel {
  title: string;
  items: LegendItem[];
  /** A continuous bar (the heatmap) instead of swatches. */
  gradient?: { colours: [number, number, number][]; low: string; high: string };
  note?: string;
}

type T = (key: MessageKey, vars?: Record<string, string | number>) => string;

const fmt = (x: number, lang: string) => x.toLocaleString(lang === 'en' ? 'en' : 'zh-CN', { maximumFractionDigits: 2 });

/** `whole`: counts, so a class [2, 3) reads "2" and [3, 6) reads "3 – 5" rather than "2 – <3", "3 – <6". */
export function rampLegend(lang: string, title: string, breaks: number[], max: number, whole = false): LegendModel {
  const range = (lo: number, hi: number) => (hi <= lo ? fmt(lo, lang) : `${fmt(lo, lang)} – ${fmt(hi, lang)}`);
  const items = breaks.map((b, i) => {
    const hi = i + 1 < breaks.length ? breaks[i + 1] : null;
    const label = hi === null ? range(b, max) : whole ? range(b, hi - 1) : `${fmt(b, lang)} – <${fmt(hi, lang)}`;
    return { colour: rampColour(b, breaks), label };
  });
  return { title, items };
}

export function giLegend(t: T, counts: Record<number, number> | null, note: string, title: MessageKey = 'an_layerGi'): LegendModel {
  return {
    title: t(title),
    items: GI_CLASSES.map((c) => ({ colour: GI_COLOURS[c], label: t(giLabelKey(c)), count: counts?.[c] ?? 0 })),
    note,
  };
}

export function emergingLegend(t: T, counts: Record<string, number> | null, note: string): LegendModel {
  // Only the categories present (plus "no pattern"), so the legend stays short; all when unknown.
  const shown = EMERGING.filter((e) => !counts || (counts[e.code] ?? 0) > 0 || e.code === 'no_pattern');
  return {
    title: t('an_emTitle'),
    items: shown.map((e) => ({ colour: e.colour, label: t(`an_em_${e.code}` as MessageKey), count: counts?.[e.code] ?? 0 })),
    note,
  };
}

/** `sigmaMetres`: the kernel's bandwidth at the current zoom, so the analyst can judge the smoothing. */
export function heatLegend(t: T, sigmaMetres?: number): LegendModel {
  const note = sigmaMetres ? t('an_heatKernel', { m: Math.round(sigmaMetres) }) : undefined;
  return { title: t('an_heatTitle'), items: [], gradient: { colours: HEAT_RANGE, low: t('an_heatLow'), high: t('an_heatHigh') }, note };
}

/** The server's known English warnings in the reader's language; others as they are. */
export function translateWarning(t: T, w: string): string {
  let m = /^Only (\d+) time steps/.exec(w);
  if (m) return t('an_warn_fewSteps', { n: m[1] });
  m = /^Only (\d+) features/.exec(w);
  if (m) return t('an_warn_fewFeatures', { n: m[1] });
  m = /^(\d+) feature\(s\) have no neighbours/.exec(w);
  if (m) return t('an_warn_islands', { n: m[1] });
  m = /^(\d+) unit\(s\) without households/.exec(w);
  if (m) return t('an_warn_noDenominator', { n: m[1] });
  return w;
}

const KNOWN_ERRORS = ['too_few_features', 'too_few_steps', 'cube_too_large', 'no_variation', 'no_incidents', 'grid_not_found', 'too_many_cells'];
/** A refused analysis in the reader's language, with the server's own words when they add detail. */
export function explainError(t: T, lang: string, e: { code: string; message: string }): string {
  if (KNOWN_ERRORS.includes(e.code)) {
    const own = t(`an_err_${e.code}` as MessageKey);
    return lang === 'en' ? `${own} (${e.message})` : own;
  }
  return t('an_err_other', { message: e.message });
}

/** Average H3 cell areas (h3geo.org), for the resolution picker. */
export const RES_SIZES: Record<number, string> = { 7: '5.2 km²', 8: '0.74 km²', 9: '0.11 km²', 10: '15,000 m²', 11: '2,100 m²' };
