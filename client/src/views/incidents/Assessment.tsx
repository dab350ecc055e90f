import { useEffect, useRef, useState } from 'react';
import { useT, type Lang } from '../../i18n/index.ts';
import { dayString, downloadAssessmentCsv, loadAssessment, saveBlob, type Assessment, type AssessmentBy, type Figures } from './api.ts';
import { chartHeight, drawRankingChart } from './chart.ts';

const BYS: AssessmentBy[] = ['grid', 'department', 'officer', 'tier'];
const CHART_WIDTH = 720;

const pct = (v: number | null) => (v === null ? '—' : `${v.toFixed(2)} %`);
const num = (v: number | null, digits = 1) => (v === null ? '—' : v.toFixed(digits));

/** The assessment page (管理考核): ranking table and chart per grid, department, officer or tier; CSV and PNG. */
export function AssessmentPanel(props: { token: string | null; lang: Lang }) {
  const t = useT();
  const [by, setBy] = useState<AssessmentBy>('grid');
  const [from, setFrom] = useState(() => dayString(new Date(Date.now() - 30 * 86_400_000)));
  const [to, setTo] = useState(() => dayString(new Date()));
  const [data, setData] = useState<Assessment | null>(null);
  const [error, setError] = useState<string | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    if (!from || !to) return undefined;
    const ctl = new AbortController();
    setError(null);
    loadAssessment(by, from, to, props.token, ctl.signal).then(setData, (err: Error) => { if (!ctl.signal.aborted) setError(err.message); });
    return () => ctl.abort();
  }, [by, from, to, props.token]);

  const label = (row: Figures) => row.name ?? row.key ?? '—';
  useEffect(() => {
    const el = canvas.current;
    if (!el || !data) return;
    // Drawn at device resolution so the chart and its PNG are sharp.
    const dpr = Math.min(window.devicePixelRatio || 1, 2);
    const h = chartHeight(data.rows.length);
    el.width = CHART_WIDTH * dpr;
    el.height = h * dpr;
    el.style.width = `${CHART_WIDTH}px`;
    el.style.height = `${h}px`;
    const ctx = el.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    drawRankingChart(ctx, CHART_WIDTH, data.rows, { title: t('inc_chartTitle', { by: t(`inc_by_${by}`) }), score: t('inc_score'), onTime: t('inc_onTimeRate'), gap: '⋯', label });
    // t's identity changes per render; the language is what matters.
  }, [data, props.lang]);

  const exportPng = () => canvas.current?.toBlob((blob) => { if (blob) saveBlob(blob, `assessment-${by}-${from}-${to}.png`); }, 'image/png');
  const exportCsv = () => { void downloadAssessmentCsv(by, from, to, props.token).catch((err: Error) => setError(err.message)); };

  return (
    <section className="inc-assessment" data-testid="inc-assessment" aria-label={t('inc_tabAssessment')}>
      <div className="controls">
        <label>{t('inc_groupBy')}
          <select data-testid="inc-as-by" value={by} onChange={(e) => setBy(e.target.value as AssessmentBy)}>
            {BYS.map((b) => <option key={b} value={b}>{t(`inc_by_${b}`)}</option>)}
          </select>
        </label>
        <label>{t('inc_deadlineFrom')}<input type="date" data-testid="inc-as-from" value={from} onChange={(e) => setFrom(e.target.value)} /></label>
        <label>{t('inc_to')}<input type="date" data-testid="inc-as-to" value={to} onChange={(e) => setTo(e.target.value)} /></label>
        <span className="spacer" />
        <button type="button" data-testid="inc-as-csv" disabled={!data} onClick={exportCsv}>{t('inc_exportCsv')}</button>
        <button type="button" data-testid="inc-as-png" disabled={!data} onClick={exportPng}>{t('inc_exportPng')}</button>
      </div>
      <p className="muted">{t('inc_assessmentHint')}</p>
      {error && <p className="error" role="alert">{error}</p>}
      {data && (
        <>
          <div className="totals" data-testid="inc-as-totals">
            <span>{t('inc_due')} <strong>{data.total.due}</strong></span>
            <span>{t('inc_closedCount')} <strong>{data.total.closed}</strong></span>
            <span>{t('inc_onTime')} <strong>{data.total.onTime}</strong></span>
            <span>{t('kpiClosureRate')} <strong>{pct(data.total.closureRate)}</strong></span>
            <span>{t('inc_onTimeRate')} <strong>{pct(data.total.onTimeRate)}</strong></span>
            <span>{t('inc_score')} <strong>{num(data.total.score)}</strong></span>
          </div>
          <canvas ref={canvas} className="chart" data-testid="inc-as-chart" role="img" aria-label={t('inc_chartTitle', { by: t(`inc_by_${by}`) })} />
          <div className="table-wrap">
            <table className="ranking" data-testid="inc-as-table">
              <thead>
                <tr>
                  <th>{t('inc_rank')}</th><th>{t(`inc_by_${by}`)}</th><th>{t('inc_due')}</th><th>{t('inc_closedCount')}</th><th>{t('inc_onTime')}</th>
                  <th>{t('kpiClosureRate')}</th><th>{t('inc_onTimeRate')}</th><th>{t('inc_reworkRate')}</th><th>{t('inc_extensionRate')}</th>
                  <th>{t('inc_avgHours')}</th><th>{t('inc_satisfaction')}</th><th>{t('inc_lightsNow')}</th><th>{t('inc_score')}</th>
                </tr>
              </thead>
              <tbody>
                {data.rows.map((r) => (
                  <tr key={r.key ?? 'none'}>
                    <td>{r.rank ?? '—'}</td><td className="name" title={r.key ?? ''}>{label(r)}</td><td>{r.due}</td><td>{r.closed}</td><td>{r.onTime}</td>
                    <td>{pct(r.closureRate)}</td><td>{pct(r.onTimeRate)}</td><td>{pct(r.reworkRate)}</td><td>{pct(r.extensionRate)}</td>
                    <td>{num(r.avgHandlingHours)}</td><td>{num(r.avgSatisfaction, 2)}</td>
                    <td><span className="l-yellow">{r.yellow}</span> / <span className="l-red">{r.red}</span></td><td className="score">{num(r.score)}</td>
                  </tr>
                ))}
                {data.rows.length === 0 && <tr><td colSpan={13} className="muted">{t('inc_none')}</td></tr>}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
