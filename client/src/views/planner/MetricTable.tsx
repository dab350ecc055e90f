import { useT, type MessageKey } from '../../i18n/index.ts';
import type { Job, Summary, Variant } from './api.ts';
import { crossedWhy, flagKey } from './flags.ts';

type T = ReturnType<typeof useT>;
type Row = { key: keyof Summary | 'flaggedList'; label: MessageKey; format(s: Summary, t: T): string; better?: 'high' | 'low' };


const pct = (v: number) => `${Math.round(v * 100)} %`;
const num = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));
const ROWS: Row[] = [
  { key: 'grids', label: 'pl_mGrids', format: (s) => String(s.grids) },
  { key: 'min', label: 'pl_mMin', format: (s) => num(s.min) },
  { key: 'median', label: 'pl_mMedian', format: (s) => num(s.median) },
  { key: 'max', label: 'pl_mMax', format: (s) => num(s.max) },
  { key: 'bandShare', label: 'pl_mBand', format: (s) => pct(s.bandShare), better: 'high' },
  { key: 'bandShareUnflagged', label: 'pl_mBandUnflagged', format: (s) => pct(s.bandShareUnflagged), better: 'high' },
  { key: 'meanPolsbyPopper', label: 'pl_mPP', format: (s) => s.meanPolsbyPopper.toFixed(2), better: 'high' },
  { key: 'minPolsbyPopper', label: 'pl_mPPmin', format: (s) => s.minPolsbyPopper.toFixed(2), better: 'high' },
  { key: 'barrierShare', label: 'pl_mBarrier', format: (s) => pct(s.barrierShare), better: 'high' },
  { key: 'crossedHard', label: 'pl_mCrossed', format: (s) => String(s.crossedHard), better: 'low' },
  { key: 'flaggedList', label: 'pl_mFlagged', format: (s, t) => Object.entries(s.flagged ?? {}).map(([k, n]) => `${t(flagKey(k))} ${n}`).join(', ') || '0' },
  { key: 'runtimeMs', label: 'pl_mRuntime', format: (s) => (s.runtimeMs === undefined ? '—' : `${(s.runtimeMs / 1000).toFixed(2)} s`) },
];

/** Proposal vs current grids vs the H3 and k-means baselines, as the server measured them. */
export function MetricTable(props: { job: Job; metrics: Summary | null }) {
  const t = useT();
  const r = props.job.result;
  if (!r) return null;
  const cols: { v: Variant; label: string; s: Summary | null }[] = [
    { v: 'proposal', label: t('pl_vProposal'), s: props.metrics ?? r.metrics },
    { v: 'current', label: t('pl_vCurrent'), s: r.current?.summary ?? null },
    { v: 'h3', label: r.baselines?.h3.resolution !== undefined ? t('pl_vH3res', { r: r.baselines.h3.resolution }) : t('pl_vH3'), s: r.baselines?.h3.summary ?? null },
    { v: 'kmeans', label: t('pl_vKmeans'), s: r.baselines?.kmeans.summary ?? null },
  ];
  const value = (s: Summary | null, key: Row['key']) => (s && key !== 'flaggedList' && typeof s[key] === 'number' ? (s[key] as number) : null);
  // Which proposed grids cross a hard barrier, and why (the count alone is in the table).
  const crossed = cols[0].s?.crossedHardDetails ?? [];
  return (
    <>
    <table className="pl-metrics" data-testid="metric-table">
      <caption>{t('pl_metricsCaption', { lo: Math.round(r.band[0]), hi: Math.round(r.band[1]), by: t(r.by === 'people' ? 'pl_byPeople' : 'pl_byHouseholds') })}</caption>
      <thead><tr><th />{cols.map((c) => <th key={c.v} scope="col">{c.label}</th>)}</tr></thead>
      <tbody>
        {ROWS.map((row) => {
          const values = cols.map((c) => value(c.s, row.key));
          const known = values.filter((v): v is number => v !== null);
          const best = row.better && known.length > 1 ? (row.better === 'high' ? Math.max(...known) : Math.min(...known)) : null;
          return (
            <tr key={row.key}>
              <th scope="row">{t(row.label)}</th>
              {cols.map((c, i) => (
                <td key={c.v} data-testid={`m-${row.key}-${c.v}`} data-value={values[i] ?? ''} className={best !== null && values[i] === best ? 'best' : undefined}>
                  {c.s ? row.format(c.s, t) : '—'}
                </td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </table>
    {crossed.length > 0 && (
      <ul className="pl-crossed muted" data-testid="pl-crossed">
        {crossed.map((c, i) => <li key={i}>{crossedWhy(c, t)}</li>)}
      </ul>
    )}
    </>
  );
}
