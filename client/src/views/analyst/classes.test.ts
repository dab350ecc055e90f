import { describe, expect, it } from 'vitest';
import { translate, type MessageKey } from '../../i18n/index.ts';
import { classOf, emergingLegend, explainError, giLegend, quantileBreaks, rampColour, RAMP, rampLegend, translateWarning } from './classes.ts';

const en = (key: MessageKey, vars?: Record<string, string | number>) => translate('en', key, vars);
const zh = (key: MessageKey, vars?: Record<string, string | number>) => translate('zh-CN', key, vars);

describe('analyst legends and classes', () => {
  it('breaks counts at quantiles, whole and increasing, and colours the top class darkest', () => {
    const values = [1, 1, 1, 2, 2, 3, 4, 5, 8, 13, 21, 0];
    const b = quantileBreaks(values);
    expect(b[0]).toBe(1);
    expect(b.every((x, i) => i === 0 || x > b[i - 1])).toBe(true);
    expect(b.every(Number.isInteger)).toBe(true);
    expect(classOf(21, b)).toBe(b.length - 1);
    expect(rampColour(21, b)).toEqual(RAMP[RAMP.length - 1]);
    expect(rampColour(1, b)).toEqual(RAMP[0]);
    // One distinct value: a single class, drawn in the strongest colour.
    expect(quantileBreaks([4, 4, 4])).toEqual([4]);
    expect(rampColour(4, [4])).toEqual(RAMP[RAMP.length - 1]);
    expect(quantileBreaks([])).toEqual([0]);
  });

  it('explains the seven Gi* classes in both languages, hot first', () => {
    const m = giLegend(en, { 3: 2, 0: 5, [-1]: 1 }, 'note');
    expect(m.items.map((i) => i.label)).toEqual([
      'Hot spot – 99% confidence', 'Hot spot – 95% confidence', 'Hot spot – 90% confidence', 'Not significant',
      'Cold spot – 90% confidence', 'Cold spot – 95% confidence', 'Cold spot – 99% confidence',
    ]);
    expect(m.items.map((i) => i.count)).toEqual([2, 0, 0, 5, 1, 0, 0]);
    expect(giLegend(zh, null, '').items[0].label).toBe('热点 · 99% 置信度');
    expect(giLegend(zh, null, '').items[6].label).toBe('冷点 · 99% 置信度');
  });

  it('lists the emerging categories present, and every one with a text in both languages', () => {
    const m = emergingLegend(en, { persistent_hot: 3, new_cold: 1, no_pattern: 40, sporadic_hot: 0 }, '');
    expect(m.items.map((i) => i.label)).toEqual(['Persistent hot spot', 'New cold spot', 'No pattern detected']);
    for (const item of emergingLegend(zh, null, '').items) expect(item.label).not.toMatch(/^an_/);
    expect(emergingLegend(zh, null, '').items).toHaveLength(17);
  });

  it("translates the server's known warnings and refusals", () => {
    expect(translateWarning(zh, 'Only 4 time steps: ArcGIS asks for at least 10 for a reliable trend.')).toBe('仅有 4 个时间步：ArcGIS 建议至少 10 个，趋势才可靠');
    expect(translateWarning(en, '3 feature(s) have no neighbours and are compared with themselves only (first: a)')).toBe('3 unit(s) have no neighbours and are compared with themselves only');
    expect(translateWarning(en, 'Something new')).toBe('Something new');
    const refusal = { code: 'too_few_features', message: 'Gi* needs at least 30 units and this selection has 9' };
    expect(explainError(en, 'en', refusal)).toContain('(Gi* needs at least 30 units and this selection has 9)');
    expect(explainError(zh, 'zh-CN', refusal)).toMatch(/^Gi\* 至少需要 30 个分析单元/);
    expect(explainError(en, 'en', { code: 'boom', message: 'HTTP 500' })).toBe('The analysis failed: HTTP 500');
  });

  it('labels classes of counts as whole numbers ("1", "3 – 5"), and rates as half-open ranges', () => {
    expect(rampLegend('en', 'n', [1, 2, 3, 6, 9], 25, true).items.map((i) => i.label)).toEqual(['1', '2', '3 – 5', '6 – 8', '9 – 25']);
    expect(rampLegend('en', 'n', [1, 2], 2, true).items.map((i) => i.label)).toEqual(['1', '2']);
    expect(rampLegend('en', 'r', [0.5, 1.25], 3, false).items.map((i) => i.label)).toEqual(['0.5 – <1.25', '1.25 – 3']);
  });
});
