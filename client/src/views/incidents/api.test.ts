import { describe, expect, it } from 'vitest';
import { ACTIONS, EMPTY_FILTERS, listQuery, missingFields, PAGE_SIZE, parseCoordinate, PHOTO_MAX_BYTES, photoProblem } from './api.ts';
import { untilParts } from './format.ts';

describe('incident list query', () => {
  const now = new Date('2026-11-30T12:00:00Z');

  it('sends only the filters that are set, and pages by PAGE_SIZE', () => {
    expect(listQuery(EMPTY_FILTERS, 0, now).toString()).toBe(`limit=${PAGE_SIZE}&offset=0`);
    const qs = listQuery({ ...EMPTY_FILTERS, status: 'reported,registered', light: 'red', category: '02', grid: ' 980001003 ', department: 'CG' }, 3, now);
    expect(Object.fromEntries(qs)).toEqual({ status: 'reported,registered', light: 'red', category: '02', grid: '980001003', department: 'CG', limit: String(PAGE_SIZE), offset: String(3 * PAGE_SIZE) });
  });

  it('turns "last n days" into a from time and a custom period into whole local days', () => {
    expect(listQuery({ ...EMPTY_FILTERS, period: '7' }, 0, now).get('from')).toBe('2026-11-23T12:00:00.000Z');
    const custom = listQuery({ ...EMPTY_FILTERS, period: 'custom', from: '2026-11-01', to: '2026-11-02' }, 0, now);
    const from = new Date(custom.get('from')!);
    const to = new Date(custom.get('to')!);
    expect(from.getDate()).toBe(1);
    expect(from.getHours()).toBe(0);
    // "to" is inclusive: up to the start of the next day.
    expect(to.getTime() - from.getTime()).toBe(2 * 86_400_000);
    expect(listQuery({ ...EMPTY_FILTERS, period: 'custom' }, 0, now).has('from')).toBe(false);
  });
});

describe('action forms', () => {
  it('need what the server needs', () => {
    expect(missingFields('register', {})).toEqual([]);
    expect(missingFields('reject', {})).toEqual(['note']);
    expect(missingFields('reject', { note: '   ' })).toEqual(['note']);
    expect(missingFields('dispatch', { department: 'CG' })).toEqual([]);
    expect(missingFields('dispatch', {})).toEqual(['department']);
    expect(missingFields('evaluate', { satisfaction: 0 })).toEqual(['satisfaction']);
    expect(missingFields('evaluate', { satisfaction: 6 })).toEqual(['satisfaction']);
    expect(missingFields('evaluate', { satisfaction: 3 })).toEqual([]);
    expect(missingFields('park', { note: 'no budget' })).toEqual(['approver']);
    expect(missingFields('extend', { note: 'waiting for parts', limit: '2 days' })).toEqual(['limit']);
    expect(missingFields('extend', { note: 'waiting for parts', limit: '2wd' })).toEqual([]);
  });

  it('cover every action the server knows', () => {
    for (const a of ACTIONS) expect(Array.isArray(missingFields(a, {}))).toBe(true);
  });
});

describe('typed coordinates', () => {
  it('accept decimal degrees in range only', () => {
    expect(parseCoordinate(' 7.4246 ', 'lng')).toBe(7.4246);
    expect(parseCoordinate('-181', 'lng')).toBeNull();
    expect(parseCoordinate('91', 'lat')).toBeNull();
    expect(parseCoordinate('', 'lat')).toBeNull();
    expect(parseCoordinate('43,7', 'lat')).toBeNull();
  });
});

describe('deadline distance', () => {
  const now = Date.parse('2026-11-30T12:00:00Z');
  it('reads in minutes, hours or days, and knows overdue', () => {
    expect(untilParts('2026-11-30T12:30:00Z', now)).toEqual({ overdue: false, amount: 30, unit: 'min' });
    expect(untilParts('2026-11-30T07:00:00Z', now)).toEqual({ overdue: true, amount: 5, unit: 'h' });
    expect(untilParts('2026-12-05T12:00:00Z', now)).toEqual({ overdue: false, amount: 5, unit: 'd' });
  });
});

describe('photos', () => {
  it('are JPEG, PNG or WebP up to 10 MB', () => {
    expect(photoProblem({ type: 'image/png', size: 1000 })).toBeNull();
    expect(photoProblem({ type: 'image/webp', size: PHOTO_MAX_BYTES })).toBeNull();
    expect(photoProblem({ type: 'image/jpeg', size: PHOTO_MAX_BYTES + 1 })).toBe('tooBig');
    expect(photoProblem({ type: 'image/gif', size: 10 })).toBe('badType');
    expect(photoProblem({ type: '', size: 10 })).toBe('badType');
  });
});
