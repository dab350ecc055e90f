import type { Map as MlMap } from 'maplibre-gl';
import { useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../../api/client.ts';
import { loadJurisdiction, type JurisdictionInfo } from '../../api/jurisdiction.ts';
import { LangContext, useT, type MessageKey } from '../../i18n/index.ts';
import { MapView, type MapState } from '../../map/MapView.tsx';
import { fetchTileJson } from '../../map/tilesets.ts';
import { geometryBounds, type Bounds } from '../panorama/api.ts';
import type { ViewProps } from '../routes.ts';
import {
  cached, categories, countSeries, dataSpan, emergingUrl, giUrl, gridShapes, h3Url, isAbort, problem, requestLog,
  type Category, type EmergingAnswer, type GiAnswer, type GridShape, type H3Answer, type Selection, type Series, type UnitChoice,
} from './api.ts';
import { Chart } from './Chart.tsx';
import {
  emergingLegend, explainError, giLegend, heatLegend, quantileBreaks, rampLegend, RES_SIZES, translateWarning, type LayerKind, type LegendModel,
} from './classes.ts';
import { composePng, download } from './export.ts';
import { heatKernel, heatPoints } from './heat.ts';
import { emergingLayer, giLayer, h3CountLayer, heatmapLayer, ownLayer, type Hover } from './layers.ts';
import { OwnData, ownGeoJson, type OwnResult } from './OwnData.tsx';
import { Legend } from './Legend.tsx';
import { isoDay, lastIndex, nextIndex, stepsBetween, WIDTHS, windowAt, windowLabel, type Step } from './time.ts';
import './analyst.css';

/** Roles that may read hot spots (server/src/hotspots/routes.ts: the GET endpoints). */
const READERS = ['admin', 'analyst', 'planner', 'dispatcher', 'viewer'];
const KINDS: { kind: LayerKind; label: MessageKey }[] = [
  { kind: 'h3', label: 'an_layerH3' }, { kind: 'heatmap', label: 'an_layerHeat' }, { kind: 'gi', label: 'an_layerGi' }, { kind: 'emerging', label: 'an_layerEmerging' },
  { kind: 'own', label: 'an_layerOwn' },
];
/** Roles that may run Gi* on their own data (POST /api/hotspots/gi). */
const OWN_DATA = ['admin', 'analyst', 'planner', 'dispatcher'];
const PLAY_MS = 900;

type LayerResult =
  | { kind: 'h3'; url: string; h3: H3Answer }
  | { kind: 'gi'; url: string; gi: GiAnswer; shapes: GridShape[] | null }
  | { kind: 'emerging'; url: string; em: EmergingAnswer; shapes: GridShape[] | null };

declare global {
  interface Window {
    /** The analyst view's state for the browser tests and the console. */
    __wanggeAnalyst?: { requests: string[]; kind: LayerKind; loading: boolean; url: string | null; units: number; selection: Selection; lastExport: { bytes: number; name: string } | null };
  }
}

/** The analyst's view: H3 counts, heatmap, Gi* and emerging hot spots over a time window. */
export default function Analyst(props: ViewProps) {
  const t = useT();
  const { session } = props;
  if (!session) {
    return (
      <main className="view analyst">
        <div className="analyst-gate"><p>{t('an_signIn')}</p><button type="button" className="primary" onClick={props.requestSignIn}>{t('signIn')}</button></div>
      </main>
    );
  }
  if (!session.roles.some((r) => READERS.includes(r))) {
    return <main className="view analyst"><div className="analyst-gate"><p>{t('an_forbidden')}</p></div></main>;
  }
  return <AnalystMain token={session.token} roles={session.roles} />;
}

function AnalystMain({ token, roles }: { token: string; roles: string[] }) {
  const t = useT();
  const { lang } = useContext(LangContext);
  const [jurisdiction, setJurisdiction] = useState<JurisdictionInfo | null>(null);
  const [cats, setCats] = useState<Category[]>([]);
  const [major, setMajor] = useState('');
  const [minor, setMinor] = useState('');
  const [gridInput, setGridInput] = useState('');
  const [grid, setGrid] = useState<string | null>(null);
  const [kind, setKind] = useState<LayerKind>('h3');
  const [metric, setMetric] = useState<'count' | 'rate'>('count');
  const [res, setRes] = useState(10);
  const [unitSel, setUnitSel] = useState('h3');
  const [step, setStep] = useState<Step>('week');
  const [width, setWidth] = useState(4);
  const [index, setIndex] = useState<number | null>(null);
  const [whole, setWhole] = useState(false);
  const [playing, setPlaying] = useState(false);
  const [span, setSpan] = useState<{ first: number; last: number; total: number } | null | undefined>(undefined);
  const [result, setResult] = useState<LayerResult | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const [series, setSeries] = useState<Series | null>(null);
  const [seriesError, setSeriesError] = useState<string | null>(null);
  const [map, setMap] = useState<MlMap | null>(null);
  // Quarter steps: the heatmap's radius follows the zoom without a new layer every frame.
  const [zoom, setZoom] = useState<number | null>(null);
  const [hover, setHover] = useState<Hover>(null);
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);
  const [mapError, setMapError] = useState<string | null>(null);
  const [gridError, setGridError] = useState<{ code: string; message: string } | null>(null);
  const [own, setOwn] = useState<OwnResult | null>(null);
  const autoStep = useRef(true);
  const lastExport = useRef<{ bytes: number; name: string } | null>(null);

  useEffect(() => { void loadJurisdiction(token).then(setJurisdiction); }, [token]);
  // Each new map (MapView rebuilds it on a language switch) is fitted to the grids in the part
  // of the screen the panels leave free.
  useEffect(() => {
    if (!map) return;
    let live = true;
    fetchTileJson('grids', token).then((tj) => {
      if (live) fitFree(map, tj.bounds, 0);
    }, () => undefined);
    return () => { live = false; };
  }, [map, token]);
  useEffect(() => { categories().then(setCats, () => setCats([])); }, []);

  const category = minor || major || null;
  const base: Selection = useMemo(() => ({ from: null, to: null, category, grid }), [category, grid]);

  // The data's span for these filters; the slider's steps run over it.
  useEffect(() => {
    const ctl = new AbortController();
    setSpan(undefined);
    dataSpan(base, token, ctl.signal).then((s) => {
      if (s && autoStep.current) {
        autoStep.current = false;
        if (s.last - s.first > 200 * 86_400_000) { setStep('month'); setWidth(3); }
      }
      setSpan(s);
    }, (err) => { if (!isAbort(err)) { setSpan(null); setError(problem(err)); } });
    return () => ctl.abort();
  }, [base, token]);

  const steps = useMemo(() => (span ? stepsBetween(span.first, span.last, step) : []), [span, step]);
  const idx = Math.min(index ?? lastIndex(steps, width), lastIndex(steps, width));
  const win = whole || kind === 'emerging' || kind === 'own' ? null : windowAt(steps, step, idx, width);
  const sel: Selection = useMemo(() => ({ ...base, from: win ? isoDay(win.from) : null, to: win ? isoDay(win.to) : null }), [base, win?.from, win?.to]);
  const unit: UnitChoice = useMemo(() => (unitSel === 'h3' ? { unit: 'h3', res, tier: 0 } : { unit: 'grid', res, tier: Number(unitSel.slice(5)) }), [unitSel, res]);

  // The layer's analysis.
  useEffect(() => {
    if (!span) { setResult(null); return; }
    if (kind === 'own') { setLoading(false); return; }
    let live = true;
    setLoading(true);
    setError(null);
    const shapes = (): Promise<GridShape[] | null> => (unit.unit === 'grid' ? shapesOf(unit.tier, jurisdiction?.id ?? null, token) : Promise.resolve(null));
    const run = async (): Promise<LayerResult> => {
      if (kind === 'h3' || kind === 'heatmap') {
        const url = h3Url(sel, res);
        return { kind: 'h3', url, h3: await cached<H3Answer>(url, token) };
      }
      if (kind === 'gi') {
        const url = giUrl(sel, unit, metric);
        const [gi, s] = await Promise.all([cached<GiAnswer>(url, token), shapes()]);
        return { kind: 'gi', url, gi, shapes: s };
      }
      const url = emergingUrl(sel, unit, step);
      const [em, s] = await Promise.all([cached<EmergingAnswer>(url, token), shapes()]);
      return { kind: 'emerging', url, em, shapes: s };
    };
    run().then((r) => { if (live) setResult(r); }, (err) => { if (live) { setResult(null); setError(problem(err)); } })
      .finally(() => { if (live) setLoading(false); });
    return () => { live = false; };
  }, [span, kind, sel, unit, metric, step, res, token, jurisdiction?.id]);

  // Counts over time for the selection (all of the span; the window is marked on it).
  useEffect(() => {
    if (!span) { setSeries(null); return; }
    let live = true;
    setSeriesError(null);
    countSeries(base, unit, step, steps.map(isoDay), token).then((s) => { if (live) setSeries(s); }, (err) => { if (live) { setSeries(null); setSeriesError(problem(err).message); } });
    return () => { live = false; };
  }, [span, base, unit, step, steps, token]);

  // Playback: one step on once the current window has been drawn, round and round.
  useEffect(() => {
    if (!playing || loading || !win) return;
    const timer = setTimeout(() => setIndex(nextIndex(idx, steps, width)), PLAY_MS);
    return () => clearTimeout(timer);
  }, [playing, loading, idx, steps, width, win]);

  const values = useMemo(() => (result?.kind === 'h3' ? result.h3.cells.map((c) => (metric === 'rate' ? c.rate ?? 0 : c.count)) : []), [result, metric]);
  const breaks = useMemo(() => quantileBreaks(values, 5, metric === 'count'), [values, metric]);

  const onHover = useCallback((h: Hover) => setHover(h), []);
  const heatPts = useMemo(() => (result?.kind === 'h3' && kind === 'heatmap' ? heatPoints(result.h3.cells, metric) : []), [result, kind, metric]);
  const kernel = useMemo(() => (result?.kind === 'h3' && kind === 'heatmap' && map && zoom !== null ? heatKernel(result.h3.res, zoom, map.getCenter().lat) : null), [result, kind, map, zoom]);
  const layers = useMemo(() => {
    if (!result || kind === 'own') return [];
    if (result.kind === 'h3' && kind === 'h3') return [h3CountLayer(result.h3.cells, metric, breaks, onHover)];
    if (result.kind === 'h3' && kind === 'heatmap') return kernel ? [heatmapLayer(heatPts, kernel.radiusPixels)] : [];
    if (result.kind === 'gi' && kind === 'gi') return [giLayer(result.gi.features, result.shapes, onHover)];
    if (result.kind === 'emerging' && kind === 'emerging') return [emergingLayer(result.em.features, result.shapes, onHover)];
    return [];
  }, [result, kind, metric, breaks, onHover, heatPts, kernel]);
  const shownLayers = useMemo(() => (kind === 'own' ? (own?.drawable ? [ownLayer(own.features, onHover)] : []) : layers), [kind, own, layers, onHover]);

  const legend: LegendModel = useMemo(() => {
    if (kind === 'heatmap') return heatLegend(t, kernel?.sigmaMetres);
    if (kind === 'own') {
      const counts: Record<number, number> = {};
      for (const f of own?.features ?? []) counts[f.properties.gi_class] = (counts[f.properties.gi_class] ?? 0) + 1;
      const summary = own ? ` · ${own.field} · ${t('an_giSummary', { n: own.summary.features, hot: own.summary.hot, cold: own.summary.cold })}` : '';
      return giLegend(t, own ? counts : null, `${t('an_giNote')}${summary}`, 'an_layerOwn');
    }
    if (kind === 'gi') {
      const counts: Record<number, number> = {};
      if (result?.kind === 'gi') for (const f of result.gi.features) counts[f.gi_class] = (counts[f.gi_class] ?? 0) + 1;
      const summary = result?.kind === 'gi' ? ` · ${t('an_giSummary', { n: result.gi.summary.features, hot: result.gi.summary.hot, cold: result.gi.summary.cold })}` : '';
      return giLegend(t, result?.kind === 'gi' ? counts : null, `${t('an_giNote')}${summary}`);
    }
    if (kind === 'emerging') return emergingLegend(t, result?.kind === 'emerging' ? result.em.categories : null, t('an_emNote', { n: result?.kind === 'emerging' ? result.em.steps.length : '–' }));
    const max = Math.max(0, ...values);
    return rampLegend(lang, t(metric === 'rate' ? 'an_h3RateTitle' : 'an_h3Title'), breaks, max, metric === 'count');
    // `t` is a new function each render; it changes only with `lang`.
  }, [kind, result, own, metric, breaks, values, lang, kernel]);

  const warnings = kind === 'own' ? [...(own?.warnings ?? []), ...(own && !own.drawable ? [t('an_ownNotDrawn')] : [])]
    : result?.kind === 'gi' ? result.gi.warnings : result?.kind === 'emerging' ? result.em.warnings : [];
  const winText = win ? windowLabel(win, lang) : t('an_whole');
  const majors = cats;
  const minors = cats.find((c) => c.code === major)?.children ?? [];
  const catName = (c: Category) => (lang === 'en' ? c.nameEn : c.name);
  const categoryText = category ? catName(majors.find((c) => c.code === category) ?? minors.find((c) => c.code === category) ?? { code: category, name: category, nameEn: category, parentCode: null }) : null;
  const units = result?.kind === 'h3' ? result.h3.cells.length : result?.kind === 'gi' ? result.gi.features.length : result?.kind === 'emerging' ? result.em.features.length : 0;

  useEffect(() => {
    window.__wanggeAnalyst = { requests: requestLog, kind, loading, url: result?.url ?? null, units, selection: sel, lastExport: lastExport.current };
  }, [kind, loading, result, units, sel]);

  const applyGrid = (code: string) => {
    const c = code.trim() || null;
    setGrid(c);
    setIndex(null);
    setGridError(null);
    if (!c) return;
    setGridError(null);
    api<{ geometry: { coordinates: unknown } | null }>(`/api/grids/${encodeURIComponent(c)}`, { token }).then((g) => {
      const b = g.geometry ? geometryBounds(g.geometry.coordinates) : null;
      if (b && map) fitFree(map, b);
    }, (err) => setGridError(problem(err)));
  };

  const onExport = async () => {
    if (!map) return;
    setExporting(true);
    setExportError(null);
    try {
      const attribution = map.getContainer().querySelector('.maplibregl-ctrl-attrib-inner')?.textContent?.trim() || t('attribution');
      const layerName = t(KINDS.find((k) => k.kind === kind)!.label);
      const blob = await composePng(map, legend, {
        title: `${t('an_title')} · ${layerName}`,
        subtitle: [winText, categoryText, grid].filter(Boolean).join(' · '),
        attribution,
      });
      const name = `wangge-${kind}-${sel.from ?? 'all'}${grid ? `-${grid}` : ''}.png`;
      lastExport.current = { bytes: blob.size, name };
      if (window.__wanggeAnalyst) window.__wanggeAnalyst.lastExport = lastExport.current;
      download(blob, name);
    } catch (err) {
      setExportError((err as Error).message);
    } finally {
      setExporting(false);
    }
  };

  const tiers = Math.max(jurisdiction?.tiers.length ?? 0, 3);
  const maxIdx = lastIndex(steps, width);
  return (
    <main className="view analyst">
      <MapView token={token} lang={lang} theme="light" tiers={tiers} attribution={t('attribution')} layers={shownLayers}
        onState={(s: MapState) => { setMap(s.map); setZoom(Math.round(s.zoom * 4) / 4); }} onError={setMapError} />
      <aside className="analyst-side" aria-label={t('an_title')}>
        <h2>{t('an_title')}</h2>
        <fieldset className="analyst-kinds" data-testid="analyst-kinds">
          <legend>{t('an_layer')}</legend>
          {KINDS.filter((k) => k.kind !== 'own' || own).map((k) => (
            <label key={k.kind}><input type="radio" name="analyst-kind" value={k.kind} checked={kind === k.kind} onChange={() => setKind(k.kind)} /> {t(k.label)}</label>
          ))}
        </fieldset>
        {kind !== 'own' && <>
        <div className="row">
          {kind !== 'emerging' && (
            <label>{t('an_metric')}
              <select value={metric} onChange={(e) => setMetric(e.target.value as 'count' | 'rate')} data-testid="analyst-metric">
                <option value="count">{t('an_count')}</option><option value="rate">{t('an_rate')}</option>
              </select>
            </label>
          )}
          <label>{t('an_res')}
            <select value={res} onChange={(e) => setRes(Number(e.target.value))} data-testid="analyst-res">
              {[7, 8, 9, 10, 11].map((r) => <option key={r} value={r}>{t('an_resOption', { res: r, size: RES_SIZES[r] })}</option>)}
            </select>
          </label>
        </div>
        {(kind === 'gi' || kind === 'emerging') && (
          <label>{t('an_unit')}
            <select value={unitSel} onChange={(e) => setUnitSel(e.target.value)} data-testid="analyst-unit">
              <option value="h3">{t('an_unitH3')}</option>
              {(jurisdiction?.tiers ?? []).map((tier) => <option key={tier.level} value={`tier:${tier.level}`}>{t('an_unitGrid', { tier: lang === 'en' ? tier.nameEn : tier.name })}</option>)}
            </select>
          </label>
        )}
        <div className="row">
          <label>{t('an_category')}
            <select value={major} onChange={(e) => { setMajor(e.target.value); setMinor(''); setIndex(null); }} data-testid="analyst-major">
              <option value="">{t('an_allCategories')}</option>
              {majors.map((c) => <option key={c.code} value={c.code}>{catName(c)}</option>)}
            </select>
          </label>
          <label className={major ? '' : 'disabled'}>&nbsp;
            <select value={minor} disabled={!major} onChange={(e) => { setMinor(e.target.value); setIndex(null); }} data-testid="analyst-minor">
              <option value="">{t('an_allMinor')}</option>
              {minors.map((c) => <option key={c.code} value={c.code}>{catName(c)}</option>)}
            </select>
          </label>
        </div>
        <form className="grid-filter" onSubmit={(e) => { e.preventDefault(); applyGrid(gridInput); }}>
          <label>{t('an_grid')}
            <span className="row">
              <input value={gridInput} onChange={(e) => setGridInput(e.target.value)} placeholder={t('an_gridPlaceholder')} data-testid="analyst-grid" />
              <button type="submit">{t('an_gridApply')}</button>
              {grid && <button type="button" onClick={() => { setGridInput(''); applyGrid(''); }}>{t('an_gridClear')}</button>}
            </span>
          </label>
        </form>
        </>}
        <Legend model={legend} />
        {(warnings.length > 0 || error || gridError || span === null) && (
          <section className="analyst-warnings" data-testid="analyst-warnings" role="status">
            <h3>{t('an_warnings')}</h3>
            <ul>
              {gridError && <li className="error" data-code={gridError.code}>{explainError(t, lang, gridError)}</li>}
              {span === null && !error && <li data-code="no_incidents">{t('an_err_no_incidents')}</li>}
              {error && <li className="error" data-code={error.code}>{explainError(t, lang, error)}</li>}
              {warnings.map((w) => <li key={w}>{translateWarning(t, w)}</li>)}
            </ul>
          </section>
        )}
        <button type="button" className="primary export" onClick={onExport} disabled={!map || exporting} data-testid="analyst-export">{exporting ? t('an_exporting') : t('an_export')}</button>
        {exportError && <p className="error">{t('an_exportFailed', { message: exportError })}</p>}
        {kind === 'own' && own && <button type="button" onClick={() => download(ownGeoJson(own), 'wangge-gi-result.geojson')} data-testid="analyst-own-download">{t('an_ownDownload')}</button>}
        {roles.some((r) => OWN_DATA.includes(r)) && <OwnData token={token} onResult={(r) => {
          setOwn(r); setKind('own'); setPlaying(false);
          const b = r.drawable ? geometryBounds(r.features.map((f) => (f.geometry as { coordinates?: unknown } | null)?.coordinates ?? null)) : null;
          if (b && map) fitFree(map, b);
        }} />}
      </aside>
      <section className="analyst-time" aria-label={t('an_time')}>
        <div className="row controls">
          <button type="button" onClick={() => setPlaying(!playing)} disabled={!win && !playing} data-testid="analyst-play" aria-pressed={playing}>{playing ? `❚❚ ${t('an_pause')}` : `▶ ${t('an_play')}`}</button>
          <input type="range" min={0} max={maxIdx} value={idx} disabled={!win} aria-label={t('an_timeSlider')} data-testid="analyst-slider"
            onChange={(e) => { setPlaying(false); setIndex(Number(e.target.value)); }} />
          <strong className="window" data-testid="analyst-window">{winText}</strong>
          <label>{t('an_step')}
            <select value={step} onChange={(e) => { const s = e.target.value as Step; setStep(s); setWidth(WIDTHS[s][0]); setIndex(null); }} data-testid="analyst-step">
              <option value="week">{t('an_week')}</option><option value="month">{t('an_month')}</option>
            </select>
          </label>
          <label>{t('an_width')}
            <select value={width} onChange={(e) => { setWidth(Number(e.target.value)); setIndex(null); }} data-testid="analyst-width">
              {WIDTHS[step].map((w) => <option key={w} value={w}>{t(step === 'week' ? 'an_weeks' : 'an_months', { n: w })}</option>)}
            </select>
          </label>
          <label className="check"><input type="checkbox" checked={whole || kind === 'emerging'} disabled={kind === 'emerging'} onChange={(e) => { setWhole(e.target.checked); setPlaying(false); }} data-testid="analyst-whole" /> {t('an_whole')}</label>
          {loading && <span className="busy">{t('an_loading')}</span>}
          {!loading && kind !== 'own' && result?.kind === 'h3' && <span className="total" data-testid="analyst-total">{t('an_total', { n: result.h3.total.toLocaleString() })}</span>}
        </div>
        <div className="chart-head">
          <span>{t(step === 'week' ? 'an_chartWeek' : 'an_chartMonth')}{categoryText ? ` · ${categoryText}` : ''}{grid ? ` · ${grid}` : ''}</span>
          <small>{t('an_chartHint')}</small>
        </div>
        {series
          ? <Chart steps={series.steps} counts={series.counts} step={step} window={win ? { from: isoDay(win.from), to: isoDay(win.to) } : null}
              onPick={(s) => { const i = steps.indexOf(Date.parse(`${s}T00:00:00Z`)); if (i >= 0) { setWhole(false); setPlaying(false); setIndex(Math.min(i, maxIdx)); } }} />
          : <p className="analyst-chart-empty">{seriesError ? t('an_chartFailed', { message: seriesError }) : span === null ? t('an_err_no_incidents') : t('an_loading')}</p>}
      </section>
      {hover && <HoverCard hover={hover} lang={lang} />}
      {mapError && <div className="toast error">{t('mapError', { message: mapError })}</div>}
    </main>
  );
}

/** Fits bounds into the part of the map the side panel and the time panel leave free. */
function fitFree(map: MlMap, b: Bounds, duration = 1500): void {
  const c = map.getContainer();
  const side = c.clientWidth > 760 ? 330 : 20;
  map.fitBounds(b, { padding: { left: Math.min(side, c.clientWidth / 2), right: 60, top: 30, bottom: Math.min(200, c.clientHeight / 3) }, duration, maxZoom: 18 });
}

/** Grid outlines per tier, fetched once per tier and jurisdiction. */
const shapeCache = new Map<string, Promise<GridShape[]>>();
function shapesOf(tier: number, jurisdictionId: number | null, token: string): Promise<GridShape[]> {
  const key = `${jurisdictionId}:${tier}`;
  let p = shapeCache.get(key);
  if (!p) {
    p = gridShapes(tier, jurisdictionId, token);
    shapeCache.set(key, p);
    p.catch(() => shapeCache.delete(key));
  }
  return p;
}

function HoverCard({ hover, lang }: { hover: NonNullable<Hover>; lang: string }) {
  const t = useT();
  const o = hover.object as Record<string, unknown>;
  const num = (x: unknown, digits = 2) => (typeof x === 'number' ? x.toLocaleString(lang === 'en' ? 'en' : 'zh-CN', { maximumFractionDigits: digits }) : '–');
  const rows: [string, string][] = [[t('an_count'), num(o.count, 0)]];
  if (o.rate !== undefined) rows.push([t('an_rate'), num(o.rate)]);
  if (typeof o.gi_class === 'number') rows.push(['Gi* z', num(o.gi_z)], ['p', num(o.gi_p, 4)], ['', t((o.gi_class < 0 ? `an_gi_m${-o.gi_class}` : `an_gi_${o.gi_class}`) as MessageKey)]);
  if (typeof o.category === 'string') rows.push(['', t(`an_em_${o.category}` as MessageKey)]);
  const title = String(o.name ?? o.id ?? o.cell ?? '');
  return (
    <div className="analyst-hover" style={{ left: hover.x + 14, top: hover.y + 14 }} data-testid="analyst-hover">
      <strong>{title}</strong>
      {rows.map(([k, v], i) => <div key={i}>{k && <span>{k}</span>}<b>{v}</b></div>)}
    </div>
  );
}
