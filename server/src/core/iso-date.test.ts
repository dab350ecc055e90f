import { describe, expect, it } from 'vitest';
import { isIsoDateTime } from './iso-date.ts';

describe('isIsoDateTime', () => {
  it('takes dates and date-times with Z, offsets and fractions', () => {
    for (const v of ['2026-11-01', '2026-11-01T10:00', '2026-11-01T10:00:05Z', '2026-11-01 10:00:05.123456+08:00', '2026-11-01T23:59:59-0500', '2024-02-29', '2000-02-29', '2026-12-31T00:00Z']) {
      expect(isIsoDateTime(v), v).toBe(true);
    }
  });

  it('refuses what PostgreSQL would refuse mid-query (the 500s of the probe)', () => {
    for (const v of ['2026-02-30', '2026-02-29', '1900-02-29', '2026-04-31', '0000-01-01', '2026-13-01', '2026-00-10', '2026-11-00',
      '2026-11-01T24:00', '2026-11-01T23:60', '2026-11-01T23:59:60', '2026-11-01T10:00+16:00', '2026-11-01T10:00+08:60',
      '2026-11-01T1', 'yesterday', '', '2026-11-01T10:00:00.1234567890Z', '20261101']) {
      expect(isIsoDateTime(v), v).toBe(false);
    }
  });
});
