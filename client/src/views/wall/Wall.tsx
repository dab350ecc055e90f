import { bbox } from '@turf/turf';
import { useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../../api/client.ts';
import { loadJurisdiction, type JurisdictionInfo } from '../../api/jurisdiction.ts';
import { LangContext, useT } from '../../i18n/index.ts';
import { MapView, type MapState } from '../../map/MapView.tsx';
import { useLiveEvents, usePolled, type LiveEvent } from './live.ts';
import { Chart30, Clock, Emerging, Kpis, Ranking, Ticker, type EmergingAnswer, type WallSummary } from './panels.tsx';
import { fetchTileJson } from '../../map/tilesets.ts';
import { hexResFor, parseWallParams, stageScale, wallSlides, type WallView } from './params.ts';
import { ViewLegend, type WallGi, type WallH3 } from './views.tsx';
import { addPulse, lightColour, prunePulses, type Pulse } from './pulses.ts';
import './wall.css';

const SUMMARY_EVERY_MS = 30_000;
const EMERGING_EVERY_MS = 10 * 60_000;
const HOTSPOTS_EVERY_MS = 5 * 60_000;
const DAY_MS = 86_400_000;
/** Live events nudge the figures, but a burst must not turn into a burst of summary requests. */
const NUDGE_MIN_MS = 5_000;
const BANNER_MS = 20_000;
const MAX_BANNERS = 3;
/** The longest the panels wait for the map's first paint. */
const PANELS_WAIT_MS = 3_000;

interface Banner { key: string; text: string; at: number }
type DeckLayers = typeof import('./deck-layers.ts');

declare global {
  interface Window {
    /** Counters for the browser tests and the wall benchmark. */
    __wanggeWall?: { liveEvents: number; pulses: number; banners: number; summaryAt: string | null; stale: boolean; area: string | null; view: string; viewCells: number };
  }
}

/** The command-centre map wall: dark panorama, live incidents, flip-number figures; no mouse needed. */
export default function Wall(props: { token: string | null }) {
  const t = useT();
  const { lang } = useContext(LangContext);
  const params = useMemo(() => parseWallParams(location.search, Intl.DateTimeFormat().resolvedOptions().timeZone), []);
  const token = params.kiosk ?? props.token;
  const [scale, setScale] = useState(() => stageScale(innerWidth, innerHeight));
  const slides = useMemo(() => wallSlides(params), [params]);
  const [slideIndex, setSlideIndex] = useState(0);
  const { area, view } = slides[slideIndex % slides.length];
  const [jurisdiction, setJurisdiction] = useState<JurisdictionInfo | null>(null);
  const [areaInfo, setAreaInfo] = useState<{ name: string; nameEn: string | null; bounds: [number, number, number, number] } | null>(null);
  const [pulses, setPulses] = useState<Pulse[]>([]);
  const [now, setNow] = useState(() => Date.now());
  const [banners, setBanners] = useState<Banner[]>([]);
  const [nudge, setNudge] = useState(0);
  const [categories, setCategories] = useState<Record<string, { name: string; nameEn: string | null }>>({});
  const lastNudge = useRef(0);
  const liveCount = useRef(0);

  useEffect(() => {
    const onResize = () => setScale(stageScale(innerWidth, innerHeight));
    addEventListener('resize', onResize);
    return () => removeEventListener('resize', onResize);
  }, []);

  useEffect(() => {
    if (slides.length < 2) return undefined;
    const timer = setInterval(() => setSlideIndex((i) => i + 1), params.rotateSeconds * 1000);
    return () => clearInterval(timer);
  }, [slides, params.rotateSeconds]);

  useEffect(() => { void loadJurisdiction(token).then(setJurisdiction); }, [token]);
  useEffect(() => {
    void api<{ code: string; name: string; nameEn: string | null }[]>('/api/categories?flat=true')
      .then((rows) => setCategories(Object.fromEntries(rows.map((r) => [r.code, r]))))
      .catch(() => undefined);
  }, []);
  useEffect(() => {
    if (!area) { setAreaInfo(null); return; }
    void api<{ name: string; nameEn?: string | null; geometry: GeoJSON.Geometry }>(`/api/grids/${encodeURIComponent(area)}`, { token })
      .then((g) => setAreaInfo({ name: g.name, nameEn: g.nameEn ?? null, bounds: bbox(g.geometry) as [number, number, number, number] }))
      .catch(() => setAreaInfo(null));
  }, [area, token]);

  // The slow analyses wait for the map's first paint: on one database connection (embedded)
  // they would otherwise queue ahead of the first tiles.
  const [mapReady, setMapReady] = useState(false);
  // The heat view's kernel follows the zoom (quarter steps, so no new layer every frame).
  const [camera, setCamera] = useState<{ zoom: number; lat: number } | null>(null);
  const onMapState = useCallback((s: MapState) => {
    const zoom = Math.round(s.zoom * 4) / 4;
    setCamera((c) => (c && c.zoom === zoom ? c : { zoom, lat: s.map.getCenter().lat }));
  }, []);
  const onMapReady = useCallback(() => setMapReady(true), []);
  // Even the figures wait for the first paint (on one embedded connection their statements
  // would hold up the first tiles), but not for long: a map that cannot draw (a revoked kiosk,
  // no tiles) must not keep the panels, or the refusal they show, away.
  const [waitedOrFailed, setWaitedOrFailed] = useState(false);
  useEffect(() => {
    if (mapReady) return undefined;
    const timer = setTimeout(() => setWaitedOrFailed(true), PANELS_WAIT_MS);
    return () => clearTimeout(timer);
  }, [mapReady]);
  const onMapError = useCallback(() => setWaitedOrFailed(true), []);
  const panelsGo = mapReady || waitedOrFailed;
  const areaQs = area ? `&area=${encodeURIComponent(area)}` : '';
  const summary = usePolled<WallSummary>(token && panelsGo ? `/api/wall/summary?tz=${encodeURIComponent(params.tz)}${areaQs}` : null, token, SUMMARY_EVERY_MS, nudge);
  // The analyses cover the area, or else the jurisdiction the summary reports: the server may
  // hold several, and a kiosk made by an admin belongs to none.
  const jurisdictionId = summary.data?.jurisdictionId;
  const scopeQs = area ? `&grid=${encodeURIComponent(area)}` : jurisdictionId ? `&jurisdiction=${jurisdictionId}` : null;
  const emergingFrom = useMemo(() => new Date(Date.now() - 12 * 7 * 86_400_000).toISOString().slice(0, 10), []);
  const emerging = usePolled<EmergingAnswer>(
    token && mapReady && scopeQs !== null ? `/api/hotspots/emerging?unit=h3&res=9&step=week&from=${emergingFrom}${scopeQs}` : null,
    token, EMERGING_EVERY_MS);

  // Hot spots and the heatmap cover the last 30 days of the area in view, on H3 cells sized to it.
  const last30 = useMemo(() => new Date(Date.now() - 30 * DAY_MS).toISOString().slice(0, 10), []);
  const [jurisdictionBounds, setJurisdictionBounds] = useState<[number, number, number, number] | null>(null);
  useEffect(() => { void fetchTileJson('grids', token).then((tj) => setJurisdictionBounds(tj.bounds)).catch(() => undefined); }, [token]);
  const viewBounds = area ? areaInfo?.bounds : jurisdictionBounds;
  // One step finer while the server finds too few cells for Gi* (422): the tiles' bounds can
  // hold more than the wall's jurisdiction, and a sparse month covers few cells.
  const [finer, setFiner] = useState(0);
  useEffect(() => setFiner(0), [area, viewBounds]);
  const res = viewBounds ? Math.min(11, hexResFor(viewBounds) + finer) : null;
  const wants = (v: WallView) => !!token && mapReady && res !== null && scopeQs !== null && params.views.includes(v);
  const giUrl = wants('hotspots') ? `/api/hotspots/gi?unit=h3&res=${res}&from=${last30}${scopeQs}` : null;
  const gi = usePolled<WallGi>(giUrl, token, HOTSPOTS_EVERY_MS);
  useEffect(() => {
    if (gi.status === 422 && gi.url === giUrl && res !== null && res < 11) setFiner((f) => f + 1);
  }, [gi.status, gi.url, giUrl, res]);
  const h3 = usePolled<WallH3>(wants('heat') ? `/api/hotspots/h3?res=${res}&from=${last30}${scopeQs}` : null, token, HOTSPOTS_EVERY_MS);

  const onEvent = useCallback((e: LiveEvent) => {
    liveCount.current += 1;
    const at = Date.now();
    const d = e.data;
    if (area && !d.gridCodes?.includes(area) && d.gridCode !== area) return;
    if (params.layers.live && typeof d.lng === 'number' && typeof d.lat === 'number') {
      const position: [number, number] = [d.lng, d.lat];
      const key = `${e.type}:${d.id}`;
      if (e.type === 'incident.created') setPulses((ps) => addPulse(ps, { key, kind: d.light === 'red' ? 'alarm' : 'created', position, colour: lightColour(d.light ?? 'green'), startedAt: at }, at));
      else if (e.type === 'incident.step' && (d.to === 'closed' || d.to === 'evaluated')) setPulses((ps) => addPulse(ps, { key, kind: 'closed', position, colour: lightColour('green'), startedAt: at }, at));
      else if (e.type === 'incident.light' && d.light === 'red') setPulses((ps) => addPulse(ps, { key, kind: 'alarm', position, colour: lightColour('red'), startedAt: at }, at));
    }
    if (d.light === 'red' && (e.type === 'incident.light' || e.type === 'incident.created')) {
      const cat = d.category ? categories[d.category] : undefined;
      const text = t('redAlarm', { category: cat ? (lang === 'en' ? cat.nameEn ?? cat.name : cat.name) : `#${d.id}`, where: d.gridCode ?? '' });
      setBanners((bs) => [...bs.filter((b) => at - b.at < BANNER_MS), { key: `${e.type}:${d.id}:${at}`, text, at }].slice(-MAX_BANNERS));
    }
    if (at - lastNudge.current > NUDGE_MIN_MS) {
      lastNudge.current = at;
      setNudge((n) => n + 1);
    }
  }, [area, params, categories, lang, t]);
  const live = useLiveEvents(token, onEvent);

  // Animation runs only while something pulses; an idle wall draws nothing new.
  useEffect(() => {
    if (pulses.length === 0 && banners.length === 0) return undefined;
    let frame = 0;
    const step = () => {
      const at = Date.now();
      setNow(at);
      setPulses((ps) => prunePulses(ps, at));
      setBanners((bs) => (bs.some((b) => at - b.at >= BANNER_MS) ? bs.filter((b) => at - b.at < BANNER_MS) : bs));
      frame = requestAnimationFrame(step);
    };
    frame = requestAnimationFrame(step);
    return () => cancelAnimationFrame(frame);
  }, [pulses.length > 0, banners.length > 0]);

  // deck.gl's layers for pulses and views arrive after the map's first paint (their own chunk).
  const [deck, setDeck] = useState<DeckLayers | null>(null);
  useEffect(() => {
    if (!mapReady || deck) return;
    void import('./deck-layers.ts').then(setDeck, () => undefined);
  }, [mapReady, deck]);
  const mapLayers = useMemo(() => (deck ? deck.viewLayers(view, gi.data, h3.data, camera) : []), [deck, view, gi.data, h3.data, camera]);
  const layers = useMemo(() => (deck && pulses.length > 0 ? [...mapLayers, ...deck.pulseLayers(pulses, now, Math.max(scale, 0.5))] : mapLayers), [deck, mapLayers, pulses, now, scale]);
  const stale = summary.stale || (!!token && !live.connected && Date.now() - live.since > 15_000);
  window.__wanggeWall = { liveEvents: liveCount.current, pulses: pulses.length, banners: banners.length, summaryAt: summary.data?.generatedAt ?? null, stale, area, view, viewCells: view === 'hotspots' ? (gi.data?.features.filter((u) => u.gi_class !== 0).length ?? 0) : view === 'heat' ? (h3.data?.cells.length ?? 0) : 0 };


  const tiers = Math.max(jurisdiction?.tiers.length ?? 0, 3);
  const placeName = areaInfo ? (lang === 'en' ? areaInfo.nameEn ?? areaInfo.name : areaInfo.name)
    : jurisdiction ? (lang === 'en' ? jurisdiction.nameEn ?? jurisdiction.name : jurisdiction.name) : '';
  const pixelRatio = Math.min(devicePixelRatio, params.dprCap);

  if (!token) return <div className="wall wall-message" data-testid="wall-signin">{t('wallSignIn')}</div>;
  return (
    <div className="wall" data-testid="wall">
      <MapView token={token} lang={lang} theme="dark" tiers={tiers} attribution={t('attribution')} incidents={params.layers.incidents} incidentsVisible={view === 'lights'}
        focus={areaInfo?.bounds ?? null} layers={layers} labelScale={1.6 * Math.max(scale, 0.6)} pixelRatio={pixelRatio} onReady={onMapReady} onError={onMapError} onState={onMapState} />
      <div className="stage" style={{ transform: `translate(-50%, -50%) scale(${scale})` }}>
        <header className="wall-title">
          <h1>{t('wallTitle')}</h1>
          <span className="place" data-testid="wall-place">{placeName}</span>
          {params.views.length > 1 && <span className="view-name" data-testid="wall-view">{t(`wallView_${view}`)}</span>}
          <span className={`live ${live.connected ? 'on' : 'off'}`}>{live.connected ? t('liveConnected') : t('liveDisconnected')}</span>
          <Clock lang={lang} tz={params.tz} />
        </header>
        {summary.status === 401 && <div className="denied" data-testid="wall-denied">{t('kioskInvalid')}</div>}
        {stale && <div className="stale" data-testid="wall-stale">{t('stale', { since: summary.data ? new Date(summary.data.generatedAt).toLocaleTimeString(lang, { timeZone: params.tz, hour12: false }) : '—' })}</div>}
        <div className="banners" aria-live="assertive">
          {banners.map((b) => <div key={b.key} className="banner" data-testid="wall-banner">⚠ {b.text}</div>)}
        </div>
        <ViewLegend view={view} gi={gi.data} giError={gi.error} h3={h3.data} />
        <aside className="col left">
          <Kpis summary={summary.data} />
          <Chart30 summary={summary.data} />
          <Ticker summary={summary.data} lang={lang} tz={params.tz} />
        </aside>
        <aside className="col right">
          <Ranking title={t('gridRanking')} rows={summary.data?.gridRanking ?? []} lang={lang} />
          <Ranking title={t('departmentRanking')} rows={summary.data?.departmentRanking ?? []} lang={lang} />
          <Emerging data={emerging.data} error={emerging.error} />
        </aside>
      </div>
    </div>
  );
}
