import { GeoJsonLayer } from '@deck.gl/layers';
import { bbox } from '@turf/turf';
import type { Feature } from 'geojson';
import type { MapMouseEvent, Map as MlMap } from 'maplibre-gl';
import { useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { LangContext, useT, type MessageKey } from '../../i18n/index.ts';
import { MapView, type MapState } from '../../map/MapView.tsx';
import type { ViewProps } from '../routes.ts';
import { gridDetail, listGrids, listJurisdictions, type GridCollection, type Jurisdiction, type TopologyReport } from './api.ts';
import { codeAt, showChoropleth, tileFigures } from './choropleth.ts';
import { fillColour, quantileClasses, type Figure } from './classes.ts';
import { findingFeatures, groupFindings, type Numbered } from './findings.ts';
import { GridCard, type CardState } from './GridCard.tsx';
import { ImportExport } from './ImportExport.tsx';
import { Legend } from './Legend.tsx';
import { TopologyPanel, type ParentOption } from './TopologyPanel.tsx';
import './grids.css';

type Bounds = [number, number, number, number];
type Tab = 'choropleth' | 'topology' | 'io';

/** The warning colour of topology findings on the map (magenta: no tier outline or class uses it). */
export const WARNING: [number, number, number] = [230, 0, 160];

const FIGURES: { id: Figure; label: MessageKey; digits: number }[] = [
  { id: 'households', label: 'grd_figHouseholds', digits: 0 },
  { id: 'density', label: 'grd_figDensity', digits: 0 },
  { id: 'open100', label: 'grd_figOpen100', digits: 2 },
];

declare global {
  interface Window {
    /** For the browser tests: what the choropleth shows. */
    __wanggeGrids?: { jurisdictionId: number | null; tier: number; figure: Figure; coloured: number; classes: number; findingsDrawn: number };
  }
}

/** Grid topics (网格专题): choropleth by figure with grid cards, the topology check, import and export. */
export default function Grids(props: ViewProps) {
  const t = useT();
  const { lang } = useContext(LangContext);
  const token = props.session?.token ?? null;
  const roles = props.session?.roles ?? [];
  const canCheck = roles.some((r) => r === 'admin' || r === 'planner' || r === 'analyst');
  const canImport = roles.some((r) => r === 'admin' || r === 'planner');

  const [jurisdictions, setJurisdictions] = useState<Jurisdiction[]>([]);
  const [jid, setJid] = useState<number | null>(null);
  const [tier, setTier] = useState<number | null>(null);
  const [figure, setFigure] = useState<Figure>('households');
  const [grids, setGrids] = useState<GridCollection | null>(null);
  const [parents, setParents] = useState<ParentOption[]>([]);
  const [reload, setReload] = useState(0);
  const [map, setMap] = useState<MlMap | null>(null);
  const [tileOpen, setTileOpen] = useState<Map<string, { open: number; households: number }>>(new Map());
  const [focus, setFocus] = useState<Bounds | null>(null);
  const [card, setCard] = useState<CardState | null>(null);
  const [selectedCode, setSelectedCode] = useState<string | null>(null);
  const [tab, setTab] = useState<Tab>('choropleth');
  const [report, setReport] = useState<TopologyReport | null>(null);
  const [selectedFinding, setSelectedFinding] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  const jurisdiction = jurisdictions.find((j) => j.id === jid) ?? null;
  const bottom = jurisdiction?.tiers[jurisdiction.tiers.length - 1]?.level ?? 1;

  useEffect(() => {
    if (!token) return;
    listJurisdictions(token).then((list) => {
      setJurisdictions(list);
      setJid((cur) => cur ?? list[0]?.id ?? null);
    }, (err: Error) => setError(err.message));
  }, [token, reload]);

  // A new jurisdiction: its deepest tier, its whole extent in view.
  useEffect(() => { setTier(null); setReport(null); setCard(null); setSelectedCode(null); setTileOpen(new Map()); }, [jid]);
  useEffect(() => { if (jurisdiction && tier === null) setTier(bottom); }, [jurisdiction, tier, bottom]);

  useEffect(() => {
    if (!token || jid === null || tier === null) return;
    const ctl = new AbortController();
    listGrids(token, { jurisdiction: jid, tier, simplify: 0.0002 }, ctl.signal).then((fc) => {
      setGrids(fc);
    }, (err: Error) => { if (!ctl.signal.aborted) setError(err.message); });
    return () => ctl.abort();
  }, [token, jid, tier, reload]);

  // Fly to the jurisdiction when it is chosen (not on every reload of its grids).
  const [fittedTo, setFittedTo] = useState<number | null>(null);
  useEffect(() => {
    if (!grids || jid === null || fittedTo === jid || grids.features.length === 0) return;
    if (grids.features[0].properties.jurisdictionId !== jid) return;
    setFittedTo(jid);
    setFocus(bbox(grids) as Bounds);
  }, [grids, jid, fittedTo]);

  // Parents for the topology check, the import and the export: every grid above the deepest tier.
  useEffect(() => {
    if (!token || !jurisdiction) return;
    const ctl = new AbortController();
    const upper = jurisdiction.tiers.filter((x) => x.level < bottom);
    Promise.all(upper.map((x) => listGrids(token, { jurisdiction: jurisdiction.id, tier: x.level, simplify: 0.01 }, ctl.signal))).then((fcs) => {
      setParents(fcs.flatMap((fc) => fc.features.map((f) => ({
        code: f.properties.code,
        label: `${'· '.repeat(f.properties.tier - 1)}${f.properties.code} ${lang === 'en' ? f.properties.nameEn ?? f.properties.name : f.properties.name}`,
      }))));
    }, (err: Error) => { if (!ctl.signal.aborted) setError(err.message); });
    return () => ctl.abort();
  }, [token, jurisdiction, bottom, lang, reload]);

  // Open incidents come from the grid tiles (signed-in roles get them); collect them as tiles load.
  useEffect(() => {
    if (!map || figure !== 'open100' || tier === null) return;
    const collect = () => {
      const seen = tileFigures(map, tier);
      setTileOpen((cur) => {
        let changed = false;
        for (const [code, v] of seen) {
          const old = cur.get(code);
          if (!old || old.open !== v.open || old.households !== v.households) { changed = true; break; }
        }
        return changed ? new Map([...cur, ...seen]) : cur;
      });
    };
    collect();
    map.on('idle', collect);
    return () => { map.off('idle', collect); };
  }, [map, figure, tier]);

  const values = useMemo(() => {
    const out = new Map<string, number | null>();
    for (const f of grids?.features ?? []) {
      const p = f.properties;
      if (figure === 'households') out.set(p.code, p.households);
      else if (figure === 'density') out.set(p.code, p.densityPerKm2);
      else {
        const v = tileOpen.get(p.code);
        if (v) out.set(p.code, v.households > 0 ? Math.round((v.open * 100 * 100) / v.households) / 100 : null);
      }
    }
    return out;
  }, [grids, figure, tileOpen]);
  const classes = useMemo(() => quantileClasses([...values.values()].filter((x): x is number => x !== null)), [values]);
  const colour = useMemo(() => fillColour(values, classes), [values, classes]);
  const noData = [...values.values()].filter((x) => x === null).length;

  useEffect(() => {
    if (map && tier !== null) showChoropleth(map, tier, colour, selectedCode);
  }, [map, tier, colour, selectedCode]);

  // A click on a coloured grid opens its card (GET /api/grids/:code: chain, staff, figures).
  useEffect(() => {
    if (!map || jid === null) return;
    let ctl: AbortController | null = null;
    const onClick = (e: MapMouseEvent) => {
      const code = codeAt(map, e.point);
      if (!code) return;
      ctl?.abort();
      const mine = new AbortController();
      ctl = mine;
      setSelectedCode(code);
      setCard({ status: 'loading', code });
      gridDetail(token, code, jid, mine.signal).then((grid) => { if (!mine.signal.aborted) setCard({ status: 'found', grid }); },
        (err: Error) => { if (!mine.signal.aborted) setCard({ status: 'error', code, message: err.message }); });
    };
    map.on('click', onClick);
    return () => { map.off('click', onClick); ctl?.abort(); };
  }, [map, jid, token]);

  const findings = useMemo(() => (report ? findingFeatures(groupFindings(report), selectedFinding) : null), [report, selectedFinding]);
  const layers = useMemo(() => (findings ? [new GeoJsonLayer({
    id: 'topology-findings',
    data: findings,
    filled: true,
    stroked: true,
    pointType: 'circle',
    getFillColor: (f: Feature) => [...WARNING, f.properties?.selected ? 150 : 70] as [number, number, number, number],
    getLineColor: [...WARNING, 255] as [number, number, number, number],
    getLineWidth: (f: Feature) => (f.properties?.selected ? 4 : 2),
    lineWidthUnits: 'pixels',
    getPointRadius: 8,
    pointRadiusUnits: 'pixels',
    updateTriggers: { getFillColor: selectedFinding, getLineWidth: selectedFinding },
  })] : []), [findings, selectedFinding]);

  useEffect(() => {
    window.__wanggeGrids = { jurisdictionId: jid, tier: tier ?? 0, figure, coloured: values.size, classes: classes?.colours.length ?? 0, findingsDrawn: findings?.features.length ?? 0 };
  }, [jid, tier, figure, values, classes, findings]);

  const onSelectFinding = useCallback((f: Numbered, b: Bounds | null) => {
    setSelectedFinding(f.n);
    if (b) setFocus(b);
  }, []);
  const onReport = useCallback((r: TopologyReport | null) => { setReport(r); setSelectedFinding(null); }, []);
  const onState = useCallback((s: MapState) => setMap(s.map), []);

  if (!props.session) {
    return (
      <main className="view grids-view">
        <div className="grids-signin"><p>{t('grd_needSignIn')}</p><button type="button" className="primary" onClick={props.requestSignIn}>{t('signIn')}</button></div>
      </main>
    );
  }
  const tierInfo = jurisdiction?.tiers.find((x) => x.level === tier);
  const tierName = tierInfo ? (lang === 'en' ? tierInfo.nameEn : tierInfo.name) : '';
  const fig = FIGURES.find((f) => f.id === figure)!;
  return (
    <main className="view grids-view">
      <div className="grids-map">
        <MapView token={token} lang={lang} theme="light" tiers={Math.max(3, jurisdiction?.tiers.length ?? 0)} attribution={t('attribution')}
          focus={focus} layers={layers} onState={onState} onError={setError} />
        {grids && <Legend title={`${t(fig.label)} · ${tierName}`} classes={classes} noData={noData} total={values.size} lang={lang} digits={fig.digits} />}
        {card && <GridCard state={card} lang={lang} onClose={() => { setCard(null); setSelectedCode(null); }} />}
        {error && <div className="toast error" role="alert">{t('mapError', { message: error })}</div>}
      </div>
      <aside className="grids-panel" aria-label={t('navGrids')}>
        <label>{t('grd_jurisdiction')}
          <select value={jid ?? ''} onChange={(e) => setJid(Number(e.target.value))} data-testid="grids-jurisdiction">
            {jurisdictions.map((j) => <option key={j.id} value={j.id}>{lang === 'en' ? j.nameEn ?? j.name : j.name}</option>)}
          </select>
        </label>
        <div className="tabs" role="tablist">
          {(['choropleth', 'topology', 'io'] as const).map((id) => (
            <button key={id} type="button" role="tab" aria-selected={tab === id} className={tab === id ? 'active' : ''} onClick={() => setTab(id)} data-testid={`tab-${id}`}>
              {t(id === 'choropleth' ? 'grd_tabChoropleth' : id === 'topology' ? 'grd_tabTopology' : 'grd_tabIo')}
            </button>
          ))}
        </div>
        {/* Panels stay mounted when hidden: a running import keeps its progress across tabs. */}
        {jurisdiction && (
          <div className="choropleth-controls" hidden={tab !== 'choropleth'}>
            <label>{t('grd_tier')}
              <select value={tier ?? ''} onChange={(e) => { setTier(Number(e.target.value)); setCard(null); setSelectedCode(null); }} data-testid="grids-tier">
                {jurisdiction.tiers.map((x) => <option key={x.level} value={x.level}>{x.level} · {lang === 'en' ? x.nameEn : x.name}</option>)}
              </select>
            </label>
            <fieldset className="figures" data-testid="grids-figure">
              <legend>{t('grd_figure')}</legend>
              {FIGURES.map((f) => (
                <label key={f.id} className="check"><input type="radio" name="figure" value={f.id} checked={figure === f.id} onChange={() => setFigure(f.id)} /> {t(f.label)}</label>
              ))}
            </fieldset>
            <p className="muted">{t('grd_coloured', { n: values.size, total: grids?.features.length ?? 0 })}</p>
            {figure === 'open100' && <p className="muted">{t('grd_open100Note')}</p>}
            <p className="muted">{t('grd_clickHint')}</p>
          </div>
        )}
        {jurisdiction && <div hidden={tab !== 'topology'}>{canCheck
          ? <TopologyPanel key={jurisdiction.id} token={token} lang={lang} jurisdictionId={jurisdiction.id} parents={parents} report={report} selected={selectedFinding} onReport={onReport} onSelect={onSelectFinding} />
          : <p className="muted">{t('grd_noRole')}</p>}</div>}
        {jurisdiction && (
          <div hidden={tab !== 'io'}><ImportExport key={jurisdiction.id} token={token} lang={lang} jurisdiction={jurisdiction} parents={parents} canImport={canImport} selected={selectedFinding}
            onImported={() => setReload((n) => n + 1)} onSelect={onSelectFinding} onTopology={onReport} /></div>
        )}
      </aside>
    </main>
  );
}
