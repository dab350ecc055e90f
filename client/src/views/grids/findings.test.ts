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
});
