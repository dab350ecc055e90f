import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../core/errors.ts';
import { parseTime, timeParser } from './import.ts';
import { csvRecords } from './import-csv.ts';

async function read(chunks: string[]): Promise<string[][]> {
  const out: string[][] = [];
  for await (const recs of csvRecords((async function* () { for (const c of chunks) yield Buffer.from(c); })())) out.push(...recs);
  return out;
}

/** The same text cut into pieces of n characters (a chunk can end anywhere, even inside a quote). */
const pieces = (text: string, n: number) => Array.from({ length: Math.ceil(text.length / n) }, (_, i) => text.slice(i * n, i * n + n));

const TRICKY = '\uFEFFdate, longitude ,latitude,note\n'
  + '2019-03-01 08:05,116.4025,39.905,plain\n'
  + '\n'
  + '2019-03-01 09:00, 116.41 ,39.91,"with, comma"\n'
  + '2019-03-01 10:00,116.42,39.92,"say ""hi"""\n'
  + '2019-03-01 11:00,116.43,39.93,"two\nlines"\n'
  + '2019-03-01 12:00,116.44,39.94\n'
  + '2019-03-01 13:00,116.45,39.95,"",\n'
  + '  "2019-03-01 14:00" ,116.46,39.96,"x"\n'
  + '2019-03-01 15:00,116.47,39.97,last';

describe('csvRecords', () => {
  it('reads what csv-parse reads with the options the import used, however the input is cut', async () => {
    for (const text of [TRICKY, TRICKY.replaceAll('\n', '\r\n')]) {
      const expected = parse(text, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: true }) as string[][];
      expect(expected).toHaveLength(9);
      expect(await read([text])).toEqual(expected);
      for (const n of [1, 2, 3, 7, 64]) expect(await read(pieces(text, n))).toEqual(expected);
    }
  });

  it('refuses broken quoting with 422 bad_csv and the line', async () => {
    for (const [text, reason] of [
      ['a,b\n1,"open\n2,3\n', /quote is not closed/],
      ['a,b\n1,"x"y\n', /text after a closing quote/],
      ['a,b\n1,x"y\n', /quote inside an unquoted field/],
    ] as const) {
      const err = await read(pieces(text, 3)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HttpError);
      expect(err).toMatchObject({ statusCode: 422, code: 'bad_csv', message: expect.stringMatching(reason) });
    }
    expect(await read(['a,b\n1,"x"y\n']).catch((e: HttpError) => e.details)).toEqual({ line: 2 });
  });
});

describe('timeParser', () => {
  it('gives what parseTime gives, across offset changes and in odd zones', () => {
    const samples: string[] = [];
    for (const day of ['2019-03-09', '2019-03-10', '2019-03-11', '2019-11-03', '2019-04-07', '2019-10-06', '2020-02-29', '2019-06-15']) {
      for (let h = 0; h < 24; h++) for (const m of ['00', '01', '15', '29', '30', '31', '59']) samples.push(`${day} ${String(h).padStart(2, '0')}:${m}`);
    }
    samples.push('2019-03-10T02:30:17', '2019-03-10', ' 2019-06-15 12:00 ', '2019-06-15T12:00:00Z', '2019-06-15T12:00:00+08:00', 'yesterday', '');
    for (const zone of ['America/Chicago', 'Australia/Lord_Howe', 'Asia/Shanghai', 'Europe/Monaco', 'UTC']) {
      const fast = timeParser(zone);
      for (const s of samples) {
        const want = parseTime(s, zone)?.getTime() ?? Number.NaN;
        expect([s, zone, fast(s)]).toEqual([s, zone, want]);
        // From the cache, the same again.
        expect(fast(s)).toEqual(want);
      }
    }
  });
});

describe('times that are no real moment (probe of 2026-12-01)', () => {
  it('are refused by both parsers instead of rolled over (2026-02-30 was 2 March, 25:00 the next day, year 0000 1 BC)', () => {
    const fast = timeParser('Asia/Shanghai');
    for (const s of ['2026-02-30', '2026-02-29 10:00', '2026-04-31T08:00', '2026-01-01 25:00', '2026-01-01 10:60', '2026-01-01T10:00:60', '0000-01-01 10:00',
      '2026-13-01', '2026-02-30T10:00:00Z', '0000-01-01T10:00:00Z', '2026-01-01T24:00:00+08:00']) {
      expect(parseTime(s, 'Asia/Shanghai'), s).toBeNull();
      expect(fast(s), s).toBeNaN();
    }
    for (const s of ['2024-02-29', '2000-02-29 10:00', '2026-12-31T23:59:59', '2026-01-31T10:00:00Z']) {
      expect(parseTime(s, 'Asia/Shanghai'), s).not.toBeNull();
      expect(fast(s), s).toBe(parseTime(s, 'Asia/Shanghai')!.getTime());
    }
  });
});
