import type { Map as MlMap, MapMouseEvent } from 'maplibre-gl';
import { useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError } from '../../api/client.ts';
import { loadJurisdiction, type JurisdictionInfo } from '../../api/jurisdiction.ts';
import { LangContext, useT } from '../../i18n/index.ts';
import { MapView } from '../../map/MapView.tsx';
import { INCIDENT_BINS, LIGHT_COLOURS } from '../../map/style.ts';
import type { ViewProps } from '../routes.ts';
import { useLiveEvents, type LiveEvent } from '../wall/live.ts';
import { EMPTY_FILTERS, getIncident, listIncidents, loadCategories, loadDepartments, type Category, type Department, type Filters, type Incident, type IncidentDetail } from './api.ts';
import { AssessmentPanel } from './Assessment.tsx';
import { Drawer } from './Drawer.tsx';
import { IncidentList } from './IncidentList.tsx';
import { incidentCentreLayers } from './layers.ts';
import { ReportForm } from './ReportForm.tsx';
import './incidents.css';

type Tab = 'list' | 'report' | 'assessment';

declare global {
  interface Window {
    /** For the browser tests and for debugging: how often the list loaded and how many live events came. */
    __wanggeIncidents?: { listLoads: number; liveEvents: number; live: boolean };
  }
}

/** A burst of live events (an import, the light watcher) refreshes the list at most this often. */
const LIVE_REFRESH_MS = 1_000;

const hasRole = (roles: string[], ...need: string[]) => roles.includes('admin') || need.some((r) => roles.includes(r));

/** The incident centre (事件中心): list and filters beside the map, detail drawer, reporting, assessment. */
export default function Incidents(props: ViewProps) {
  const t = useT();
  const { lang } = useContext(LangContext);
  const token = props.session?.token ?? null;
  const roles = props.session?.roles ?? [];
  const canReport = hasRole(roles, 'officer', 'dispatcher');
  const canAssess = hasRole(roles, 'analyst', 'dispatcher');
  const [tab, setTabState] = useState<Tab>(() => {
    const asked = new URLSearchParams(location.search).get('tab');
    return asked === 'report' || asked === 'assessment' ? asked : 'list';
  });
  const setTab = (next: Tab) => {
    const url = new URL(location.href);
    if (next === 'list') url.searchParams.delete('tab'); else url.searchParams.set('tab', next);
    history.replaceState(null, '', url);
    setTabState(next);
  };
  const [jurisdiction, setJurisdiction] = useState<JurisdictionInfo | null>(null);
  const [categories, setCategories] = useState<Category[]>([]);
  const [departments, setDepartments] = useState<Department[]>([]);
  const [filters, setFilters] = useState<Filters>(EMPTY_FILTERS);
  const [page, setPage] = useState(0);
  const [list, setList] = useState<{ items: Incident[]; total: number } | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [listNudge, setListNudge] = useState(0);
  // ?incident=<id> opens that case's drawer (links from the wall, a colleague, a bookmark).
  const [selectedId, setSelectedId] = useState<number | null>(() => Number(new URLSearchParams(location.search).get('incident')) || null);
  const [detail, setDetail] = useState<IncidentDetail | null>(null);
  const [detailError, setDetailError] = useState<string | null>(null);
  const [detailNudge, setDetailNudge] = useState(0);
  const [pick, setPick] = useState<[number, number] | null>(null);
  const [map, setMap] = useState<MlMap | null>(null);
  // Far out the map draws open counts per area (orange, by size); the legend says so while they show.
  const [binsShown, setBinsShown] = useState(false);
  const [mapError, setMapError] = useState<string | null>(null);
  const counters = useRef({ listLoads: 0, liveEvents: 0 });

  useEffect(() => { void loadJurisdiction(token).then(setJurisdiction); }, [token]);
  useEffect(() => {
    void loadCategories().then(setCategories, () => setCategories([]));
    if (token) void loadDepartments(token).then(setDepartments, () => setDepartments([]));
  }, [token]);

  // The list: reloaded on every filter or page change and on live events.
  useEffect(() => {
    if (!token) return undefined;
    const ctl = new AbortController();
    listIncidents(filters, page, token, ctl.signal).then((body) => {
      counters.current.listLoads++;
      setList(body);
      setListError(null);
    }, (err: Error) => { if (!ctl.signal.aborted) setListError(err.message); });
    return () => ctl.abort();
  }, [filters, page, token, listNudge]);

  useEffect(() => {
    if (!token || selectedId === null) { setDetail(null); return undefined; }
    const ctl = new AbortController();
    getIncident(selectedId, token, ctl.signal).then((d) => { setDetail(d); setDetailError(null); }, (err: Error) => {
      if (!ctl.signal.aborted) setDetailError(err instanceof ApiError && err.status === 404 ? t('inc_notFound') : err.message);
    });
    return () => ctl.abort();
    // t changes identity each render; the language does not change what is loaded.
  }, [selectedId, token, detailNudge]);

  // Live: new cases, steps and light changes refresh the list (throttled) and the open drawer.
  const selectedRef = useRef(selectedId);
  selectedRef.current = selectedId;
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const onLive = useCallback((e: LiveEvent) => {
    counters.current.liveEvents++;
    if (!pending.current) {
      pending.current = setTimeout(() => { pending.current = null; setListNudge((n) => n + 1); }, LIVE_REFRESH_MS);
    }
    if (e.data.id !== undefined && e.data.id === selectedRef.current) setDetailNudge((n) => n + 1);
  }, []);
  useEffect(() => () => { if (pending.current) clearTimeout(pending.current); }, []);
  const live = useLiveEvents(token, onLive);
  window.__wanggeIncidents = { ...counters.current, live: live.connected };

  // A click on the map places the report while the report form is open.
  const tabRef = useRef(tab);
  tabRef.current = tab;
  useEffect(() => {
    if (!map) return undefined;
    const onClick = (e: MapMouseEvent) => {
      if (tabRef.current === 'report') setPick([Number(e.lngLat.lng.toFixed(7)), Number(e.lngLat.lat.toFixed(7))]);
    };
    map.on('click', onClick);
    map.getCanvas().style.cursor = tab === 'report' ? 'crosshair' : '';
    return () => { map.off('click', onClick); };
  }, [map, tab]);

  const select = useCallback((id: number | null) => {
    const url = new URL(location.href);
    if (id === null) url.searchParams.delete('incident'); else url.searchParams.set('incident', String(id));
    history.replaceState(null, '', url);
    setSelectedId(id);
    // Never show one case's details (and actions) under another's selection while it loads.
    setDetail((d) => (d && d.id === id ? d : null));
    setDetailNudge((n) => n + 1);
  }, []);

  // Bring the selected incident into view, close enough to see the tile points in their light colours.
  useEffect(() => {
    if (!map || !detail) return;
    const bounds = map.getBounds();
    if (!bounds.contains([detail.lng, detail.lat]) || map.getZoom() < 14) {
      map.easeTo({ center: [detail.lng, detail.lat], zoom: Math.max(map.getZoom(), 15), duration: 800 });
    }
    // Only when another incident is opened, not on every reload of the same one.
  }, [map, detail?.id]);

  const layers = useMemo(() => incidentCentreLayers({
    items: tab === 'assessment' ? [] : list?.items ?? [],
    selected: detail && tab !== 'assessment' ? detail : null,
    pick: tab === 'report' ? pick : null,
    pickable: tab === 'list',
    onSelect: select,
  }), [list, detail, pick, tab, select]);

  // Escape closes the drawer (unless typing in one of its fields).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement | null;
      if (e.key === 'Escape' && selectedRef.current !== null && !(el && /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName))) select(null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [select]);

  const onChanged = useCallback((incident: Incident) => {
    setDetailNudge((n) => n + 1);
    setListNudge((n) => n + 1);
    setList((l) => l && { ...l, items: l.items.map((i) => (i.id === incident.id ? incident : i)) });
  }, []);

  const onReported = useCallback((incident: Incident) => {
    setPick(null);
    setListNudge((n) => n + 1);
    select(incident.id);
  }, [select]);

  if (!props.session) {
    return (
      <main className="view incidents incidents-signin">
        <div className="inc-signin-card">
          <h2>{t('inc_title')}</h2>
          <p>{t('inc_needSignIn')}</p>
          <button type="button" className="primary" onClick={props.requestSignIn}>{t('signIn')}</button>
        </div>
      </main>
    );
  }

  const tiers = Math.max(jurisdiction?.tiers.length ?? 0, 3);
  return (
    <main className="view incidents" data-testid="incidents">
      <div className="inc-tabs" role="tablist" aria-label={t('inc_title')}>
        <strong className="inc-title">{t('inc_title')}</strong>
        <button type="button" role="tab" aria-selected={tab === 'list'} data-testid="inc-tab-list" onClick={() => setTab('list')}>{t('inc_tabList')}</button>
        {canReport && <button type="button" role="tab" aria-selected={tab === 'report'} data-testid="inc-tab-report" onClick={() => setTab('report')}>{t('inc_tabReport')}</button>}
        {canAssess && <button type="button" role="tab" aria-selected={tab === 'assessment'} data-testid="inc-tab-assessment" onClick={() => setTab('assessment')}>{t('inc_tabAssessment')}</button>}
        <span className={`inc-live ${live.connected ? 'on' : 'off'}`} data-testid="inc-live">● {live.connected ? t('liveConnected') : t('liveDisconnected')}</span>
      </div>
      <div className="inc-body">
        <aside className="inc-side">
          {tab === 'report' && canReport
            ? <ReportForm categories={categories} pick={pick} token={token} lang={lang} onPickTyped={setPick} onReported={onReported} />
            : <IncidentList filters={filters} onFilters={(f) => { setFilters(f); setPage(0); }} page={page} onPage={setPage}
                list={list} error={listError} selectedId={selectedId} onSelect={select} categories={categories} departments={departments}
                jurisdictionId={jurisdiction?.id ?? null} token={token} lang={lang} />}
        </aside>
        <div className="inc-map">
          <MapView token={token} lang={lang} theme="light" tiers={tiers} attribution={t('attribution')} incidents layers={layers}
            onState={(s) => { setMap(s.map); setBinsShown(s.zoom < INCIDENT_BINS.maxzoom); }} onError={setMapError} />
          {tab === 'report' && <div className="hint">{t('inc_clickMapHint')}</div>}
          <div className="inc-legend" aria-hidden="true">
            {(['green', 'yellow', 'red'] as const).map((l) => <span key={l}><i style={{ background: LIGHT_COLOURS[l] }} />{t(`inc_light_${l}`)}</span>)}
            {binsShown && <span data-testid="inc-legend-bins"><i style={{ background: INCIDENT_BINS.colour }} />{t('inc_legendBins')}</span>}
          </div>
          {mapError && <div className="toast error">{t('mapError', { message: mapError })}</div>}
          {selectedId !== null && tab !== 'assessment' && (
            <Drawer detail={detail} error={detailError} departments={departments} token={token} lang={lang}
              onChanged={onChanged} onReload={() => setDetailNudge((n) => n + 1)} onClose={() => select(null)} />
          )}
        </div>
        {tab === 'assessment' && canAssess && <AssessmentPanel token={token} lang={lang} />}
      </div>
    </main>
  );
}
