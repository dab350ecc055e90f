import { useEffect, useRef, useState } from 'react';
import { LIGHT_COLOURS } from '../../map/style.ts';
import type { Lang } from '../../i18n/index.ts';
import { useT } from '../../i18n/index.ts';

export interface WallSummary {
  generatedAt: string;
  jurisdictionId: number;
  rankTier: number;
  kpis: { reportedToday: number; open: number; overdue: number; warning: number; due30d: number; closureRate: number | null; onTimeRate: number | null; satisfaction: number | null };
  series: { day: string; reported: number; closed: number }[];
  ticker: { id: number; reported_at: string; status: string; light: string; category: string; category_en: string; grid_name: string | null }[];
  gridRanking: { code: string; name: string; name_en: string | null; households: number; open: number; overdue: number }[];
  departmentRanking: { code: string; name: string; name_en: string | null; open: number; overdue: number }[];
}

/** A number that rolls to its new value, digit by digit, like a flip board. */
export function FlipNumber(props: { value: number | null; decimals?: number; suffix?: string }) {
  const [shown, setShown] = useState(props.value ?? 0);
  const from = useRef(shown);
  useEffect(() => {
    if (props.value === null) return undefined;
    from.current = shown;
    const start = performance.now();
    let frame = 0;
    const step = (now: number) => {
      const k = Math.min(1, (now - start) / 900);
      setShown(from.current + (props.value! - from.current) * (1 - (1 - k) ** 3));
      if (k < 1) frame = requestAnimationFrame(step);
    };
    frame = requestAnimationFrame(step);
    return () => cancelAnimationFrame(frame);
    // Animates from whatever is on screen to each new value.
  }, [props.value]);
  if (props.value === null) return <span className="flip">—</span>;
  const text = shown.toFixed(props.decimals ?? 0);
  return <span className="flip">{[...text].map((ch, i) => <span key={i} className={/\d/.test(ch) ? 'digit' : 'sep'}>{ch}</span>)}{props.suffix && <small>{props.suffix}</small>}</span>;
}

export function Kpis(props: { summary: WallSummary | null }) {
  const t = useT();
  const k = props.summary?.kpis;
  const items: [string, number | null, number, string, string][] = [
    [t('kpiReportedToday'), k?.reportedToday ?? null, 0, '', ''],
    [t('kpiOpen'), k?.open ?? null, 0, '', ''],
    [t('kpiOverdue'), k?.overdue ?? null, 0, '', 'alarm'],
    [t('kpiClosureRate'), k?.closureRate ?? null, 1, '%', ''],
    [t('kpiOnTimeRate'), k?.onTimeRate ?? null, 1, '%', ''],
    [t('kpiSatisfaction'), k?.satisfaction ?? null, 2, '/5', ''],
  ];
  return (
    <section className="panel kpis" data-testid="wall-kpis">
      {items.map(([label, value, decimals, suffix, cls]) => (
        <div key={label} className={`kpi ${cls}`}><div className="label">{label}</div><FlipNumber value={value} decimals={decimals} suffix={suffix} /></div>
      ))}
    </section>
  );
}

const TICKER_ROW_PX = 36;
const TICKER_STEP_MS = 4_000;

/**
 * The latest incidents, stepping up one row every few seconds. A stepped ticker (not a
 * continuous scroll) leaves the page still between steps, so an idle wall redraws nothing.
 */
export function Ticker(props: { summary: WallSummary | null; lang: Lang; tz: string }) {
  const t = useT();
  const rows = props.summary?.ticker ?? [];
  const [step, setStep] = useState(0);
  useEffect(() => {
    if (rows.length < 2) return undefined;
    const timer = setInterval(() => setStep((n) => n + 1), TICKER_STEP_MS);
    return () => clearInterval(timer);
  }, [rows.length]);
  const index = rows.length > 0 ? step % rows.length : 0;
  return (
    <section className="panel ticker" data-testid="wall-ticker">
      <h3>{t('latestIncidents')}</h3>
      <div className="viewport">
        <div className="scroll" style={{ transform: `translateY(-${index * TICKER_ROW_PX}px)`, transition: index === 0 ? 'none' : 'transform 0.6s ease' }}>
          {[...rows, ...rows].map((r, i) => (
            <div key={`${r.id}-${i}`} className="row">
              <span className="dot" style={{ background: LIGHT_COLOURS[r.light] ?? LIGHT_COLOURS.none }} />
              <span className="time">{new Date(r.reported_at).toLocaleTimeString(props.lang, { timeZone: props.tz, hour: '2-digit', minute: '2-digit', hour12: false })}</span>
              <span className="what">{props.lang === 'en' ? r.category_en : r.category}</span>
              <span className="where">{r.grid_name ?? ''}</span>
              <span className="status">{t(`status_${r.status}` as never)}</span>
            </div>
          ))}
        </div>
      </div>
    </section>
  );
}

/** The wall's clock, ticking on its own so that the rest of the wall does not re-render. */
export function Clock(props: { lang: Lang; tz: string }) {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => { const timer = setInterval(() => setNow(new Date()), 1000); return () => clearInterval(timer); }, []);
  return <time>{now.toLocaleString(props.lang, { timeZone: props.tz, hour12: false, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })}</time>;
}

export function Ranking(props: { title: string; rows: { code: string; name: string; name_en: string | null; open: number; overdue: number }[]; lang: Lang }) {
  const t = useT();
  const max = Math.max(1, ...props.rows.map((r) => r.open));
  return (
    <section className="panel ranking">
      <h3>{props.title}</h3>
      <div className="head"><span /><span /><span className="num">{t('kpiOpen')}</span><span className="num">{t('kpiOverdue')}</span></div>
      <ol>
        {props.rows.slice(0, 6).map((r) => (
          <li key={r.code}>
            <span className="name">{props.lang === 'en' ? r.name_en ?? r.name : r.name}</span>
            <span className="bar"><span style={{ width: `${(r.open / max) * 100}%` }} /></span>
            <span className="num">{r.open}</span>
            <span className={`num ${r.overdue > 0 ? 'alarm' : ''}`} title={t('kpiOverdue')}>{r.overdue}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** The last 30 days as bars (reported) and a line (closed), drawn as SVG. */
export function Chart30(props: { summary: WallSummary | null }) {
  const t = useT();
  const series = props.summary?.series ?? [];
  const w = 520, h = 150, pad = 18;
  const max = Math.max(1, ...series.map((d) => Math.max(d.reported, d.closed)));
  const x = (i: number) => pad + (i * (w - 2 * pad)) / Math.max(1, series.length);
  const y = (v: number) => h - pad - (v / max) * (h - 2 * pad);
  const bw = (w - 2 * pad) / Math.max(1, series.length) - 2;
  const line = series.map((d, i) => `${i === 0 ? 'M' : 'L'}${x(i) + bw / 2},${y(d.closed)}`).join(' ');
  return (
    <section className="panel chart">
      <h3>{t('last30Days')} <small><span className="swatch reported" />{t('reported')} <span className="swatch closed" />{t('closed')}</small></h3>
      <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-label={t('last30Days')}>
        {series.map((d, i) => <rect key={d.day} x={x(i)} y={y(d.reported)} width={bw} height={h - pad - y(d.reported)} className="bar-reported"><title>{`${d.day}: ${d.reported} / ${d.closed}`}</title></rect>)}
        <path d={line} className="line-closed" />
        <text x={pad} y={h - 2} className="axis">{series[0]?.day.slice(5) ?? ''}</text>
        <text x={w - pad} y={h - 2} className="axis" textAnchor="end">{series.at(-1)?.day.slice(5) ?? ''}</text>
        <text x={pad} y={pad - 4} className="axis">{max}</text>
      </svg>
    </section>
  );
}

export interface EmergingAnswer {
  categories?: Record<string, number>;
  features?: { cell?: string; code?: string; name?: string; category: string }[];
}

export function Emerging(props: { data: EmergingAnswer | null; error: string | null }) {
  const t = useT();
  const order = ['new_hot', 'consecutive_hot', 'intensifying_hot', 'persistent_hot', 'sporadic_hot', 'oscillating_hot', 'diminishing_hot', 'historical_hot'];
  const cats = props.data?.categories ?? {};
  const shown = order.filter((c) => (cats[c] ?? 0) > 0);
  return (
    <section className="panel emerging" data-testid="wall-emerging">
      <h3>{t('emergingHotSpots')}</h3>
      {props.error && !props.data && <p className="muted">{t('emergingUnavailable', { message: props.error })}</p>}
      {props.data && shown.length === 0 && <p className="muted">{t('noEmerging')}</p>}
      <ul>{shown.map((c) => <li key={c}><span className={`chip ${c}`} />{t(`em_${c}` as never)}<b>{cats[c]}</b></li>)}</ul>
    </section>
  );
}
