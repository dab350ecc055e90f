import { describe, expect, it } from 'vitest';
import type { Figures } from './api.ts';
import { CHART_MAX_ROWS, chartHeight, chartRows } from './chart.ts';

const row = (rank: number): Figures => ({
  key: String(rank), name: `grid ${rank}`, rank, due: 1, closed: 1, onTime: 1, reworked: 0, extended: 0, parked: 0,
  closureRate: 100, onTimeRate: 100, reworkRate: 0, extensionRate: 0, avgHandlingHours: 1, avgSatisfaction: null, score: 100 - rank,
  emergencyDue: 0, emergencyClosed: 0, yellow: 0, red: 0,
});

describe('ranking chart rows', () => {
  it('draws a short ranking whole', () => {
    const rows = Array.from({ length: CHART_MAX_ROWS }, (_, i) => row(i + 1));
    expect(chartRows(rows)).toEqual(rows);
  });

  it('draws the top and the bottom of a long one, with a gap between', () => {
    const rows = Array.from({ length: 200 }, (_, i) => row(i + 1));
    const shown = chartRows(rows);
    expect(shown).toHaveLength(CHART_MAX_ROWS + 1);
    expect(shown[0]?.rank).toBe(1);
    expect(shown[CHART_MAX_ROWS / 2]).toBeNull();
    expect(shown[CHART_MAX_ROWS]?.rank).toBe(200);
    expect(chartHeight(200)).toBe(chartHeight(CHART_MAX_ROWS + 1));
    expect(chartHeight(3)).toBeLessThan(chartHeight(200));
  });
});
