import { describe, expect, it } from 'vitest';
import type { Finding, TopologyReport } from './api.ts';
import { translate } from '../../i18n/index.ts';
import { describeFinding, findingFeatures, findingGroupLabel, GROUPS, groupFindings, padBounds } from './findings.ts';

const square = { type: 'Polygon' as const, coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]] };
const f = (kind: string, severity: Finding['severity'], extra: Partial<Finding> = {}): Finding =>
  ({ kind, severity, codes: ['A'], message: kind, geometry: square, areaM2: 10, ...extra });

function report(errors: Finding[], warnings: Finding[], slivers: Finding[]): TopologyReport {
  return { jurisdictionId: 1, parentCode: 'P', tier: 2, checkedGrids: 3, sliverM2: 50, householdsBand: null, ok: errors.length === 0, errors, warnings, slivers };
}

describe('topology findings', () => {
  it('groups every kind the check reports, slivers apart whatever their kind', () => {
    const r = report(
      [f('gap', 'error'), f('overlap', 'error'), f('code_taken', 'error'), f('duplicate_code', 'error'), f('invalid_geometry', 'error', { geometry: null, location: { type: 'Point', coordinates: [0.5, 0.5] } }), f('empty_grid', 'error'), f('outside_parent', 'error')],
      [f('households_out_of_band', 'warning')],
      [f('gap', 'sliver'), f('overlap', 'sliver')],
    );
    const g = groupFindings(r);
    expect([...g.keys()]).toEqual(GROUPS.map((x) => x.id));
    expect(Object.fromEntries([...g].map(([k, v]) => [k, v.map((x) => x.kind)]))).toEqual({
      invalid: ['invalid_geometry'], overlap: ['overlap'], gap: ['gap'], outside: ['outside_parent'], codes: ['code_taken', 'duplicate_code'],
      empty: ['empty_grid'], band: ['households_out_of_band'], slivers: ['gap', 'overlap'],
    });
    // Numbered across the report, each once.
    expect([...g.values()].flat().map((x) => x.n).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('draws the invalid ring where PostGIS found the problem, and the selected finding last', () => {
    const g = groupFindings(report([f('invalid_geometry', 'error', { geometry: null, location: { type: 'Point', coordinates: [0.5, 0.5] } }), f('gap', 'error')], [], []));
    const fc = findingFeatures(g, 0);
    expect(fc.features.map((x) => x.geometry.type)).toEqual(['Polygon', 'Point']);
    expect(fc.features[1].properties).toMatchObject({ n: 0, selected: true });
  });

  it('widens tiny bounds to a few hundred metres and keeps large ones', () => {
    const [w, s, e, n] = padBounds([7.43, 43.73, 7.43001, 43.73001]);
    expect((n - s) * 111_320).toBeGreaterThan(300);
    expect((e - w) * 111_320 * Math.cos((43.73 * Math.PI) / 180)).toBeGreaterThan(300);
    const big = padBounds([7.0, 43.0, 7.5, 43.5]);
    expect(big[0]).toBeLessThan(7.0);
    expect(big[2] - big[0]).toBeCloseTo(0.6, 5);
  });

  it('describes findings in the reader\'s language, not by the server\'s kind and English message (the planner showed both raw)', () => {
    const zh = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) => translate('zh-CN', key, vars);
    const band = f('households_out_of_band', 'warning', { codes: ['980001006002'], message: 'grid 980001006002 holds 269 households, outside the band 160–240' });
    expect(zh(findingGroupLabel(band.kind))).toBe('户数超出范围');
    expect(describeFinding(band, zh)).toBe('980001006002');
    const overlap = f('overlap', 'error', { codes: ['A1', 'A2'], message: 'grids A1 and A2 overlap' });
    expect(describeFinding(overlap, zh)).toBe('A1 · A2 相互重叠');
    expect(describeFinding(overlap, zh)).not.toContain('overlap');
  });

  it('says code problems and households out of the band with the server\'s figures, in Chinese and in English', () => {
    const zh = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) => translate('zh-CN', key, vars);
    const en = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) => translate('en', key, vars);
    const dup = f('duplicate_code', 'error', { codes: ['P001', 'P001'], message: 'code P001 is used by 2 grids', detail: { code: 'duplicate_code', grids: 2 } });
    expect(describeFinding(dup, zh)).toBe('编码 P001 被 2 个网格使用');
    expect(describeFinding(dup, en)).toBe('code P001 is used by 2 grids');
    const nested = f('code_not_nested', 'error', { codes: ['P001'], message: 'grid P001: code does not start with the parent code 110101001', detail: { code: 'code_not_nested', parent: '110101001' } });
    expect(describeFinding(nested, zh)).toBe('P001：编码不以上级编码 110101001 开头');
    expect(describeFinding(nested, en)).toBe('P001: the code does not start with the parent code 110101001');
    const bad = f('bad_code', 'error', { codes: ['a b'], message: 'grid a b: codes are 1–40 of 0-9 A-Z a-z _ -', detail: { code: 'bad_code' } });
    expect(describeFinding(bad, zh)).toBe('a b：编码应为 1–40 位数字、字母、_ 或 -');
    const taken = f('code_taken', 'error', { codes: ['110101001'], message: 'grid 110101001: code already used by the current tier-1 grid "East street"', detail: { code: 'code_taken', tier: 1, name: 'East street' } });
    expect(describeFinding(taken, zh)).toBe('110101001：编码已被现有的第 1 级网格“East street”使用');
    expect(describeFinding(taken, en)).toBe('110101001: the code is already used by the current tier-1 grid “East street”');
    const band = f('households_out_of_band', 'warning', { codes: ['980001006002'], message: 'grid 980001006002 holds 269 households, outside the band 160–240', households: 269, detail: { code: 'households_out_of_band', households: 269, min: 160, max: 240 } });
    // The group's label says 'outside the band' and the households are shown beside it: the band's figures here.
    expect(describeFinding(band, zh)).toBe('980001006002（范围 160–240）');
    expect(describeFinding(band, en)).toBe('980001006002 (band 160–240)');
    // The Chinese never falls back to the server's English message.
    for (const x of [dup, nested, bad, taken, band]) expect(describeFinding(x, zh)).not.toContain(x.message);
  });
});
