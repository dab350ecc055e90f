import type { Map as MlMap } from 'maplibre-gl';
import { useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { loadJurisdiction, type JurisdictionInfo } from '../../api/jurisdiction.ts';
import { LangContext, useT } from '../../i18n/index.ts';
import type { ViewProps } from '../routes.ts';
import {
  cancelJob, checkProposal, defaultParams, getJob, jobBlocks, listJobs, redrawEdge, sendMoves, splitGrid, startJob, variantGrids, waitForJob, withRetry,
  type AreaChoice, type AreaInput, type BlockCollection, type GridCollection, type Job, type MoveResult, type Summary, type TopologyReport, type Variant,
} from './api.ts';
import { LEGEND_GRADIENT } from './colour.ts';
import { CompareMaps, type CompareMode } from './CompareMaps.tsx';
import { EditPanel, type EditMode } from './EditPanel.tsx';
import { startDrawing, type DrawShape } from './draw.ts';
import { appliedEdit, applyMoves, emptyHistory, mergeEdit, moveEdit, neighbours, type Edit, type History } from './edits.ts';
import { areaLayers, blockLayer, boundsOf, gridLayers, type Hover } from './layers.ts';
import { flagKey, flagWhy } from './flags.ts';
import { MetricTable } from './MetricTable.tsx';
import { Findings, PublishPanel } from './PublishPanel.tsx';
import { SetupForm, type AreaMode } from './SetupForm.tsx';
import './planner.css';

declare global {
  interface Window {
    /** For the browser tests: what the planner is showing. */
    __wanggePlanner?: { jobId: number | null; status: string | null; progressEvents: number; stages: string[] };
  }
}

const running = (j: Job | null) => j !== null && (j.status === 'queued' || j.status === 'running');
type OtherVariant = Exclude<Variant, 'proposal'>;

/**
 * The planner's view: choose an area and parameters, start a partition proposal and watch it,
 * compare it with the current grids and the baselines (two synced maps or a swipe, coloured by
 * household deviation, with the metric table), edit it (merge, move blocks, split, redraw an
 * edge with terra-draw; undo/redo) and
 * publish it through the server's topology check.
 */
export default function Planner(props: ViewProps) {
  const t = useT();
  const { lang } = useContext(LangContext);
  const token = props.session?.token ?? null;
  const allowed = props.session?.roles.some((r) => r === 'planner' || r === 'admin') ?? false;

  const [jurisdiction, setJurisdiction] = useState<JurisdictionInfo | null>(null);
  const [params, setParams] = useState(defaultParams);
  const [areaMode, setAreaMode] = useState<AreaMode>('grid');
  const [area, setArea] = useState<AreaChoice | null>(null);
  const [drawingArea, setDrawing] = useState<[number, number][]>([]);
  const [drawnClosed, setDrawnClosed] = useState(false);
  const [job, setJob] = useState<Job | null>(null);
  const [recent, setRecent] = useState<Job[]>([]);
  const [grids, setGrids] = useState<Partial<Record<Variant, GridCollection>>>({});
  const [other, setOther] = useState<OtherVariant>('current');
  const [blocks, setBlocks] = useState<BlockCollection | null>(null);
  const [metrics, setMetrics] = useState<Summary | null>(null);
  const [history, setHistory] = useState<History>(emptyHistory);
  const [selected, setSelected] = useState<number | null>(null);
  const [editMode, setEditMode] = useState<EditMode>('merge');
  const [redrawTo, setRedrawTo] = useState<number | null>(null);
  const [shape, setShape] = useState<DrawShape>('linestring');
  const [leftMap, setLeftMap] = useState<MlMap | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [editError, setEditError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [topology, setTopology] = useState<TopologyReport | null>(null);
  const [compareMode, setCompareMode] = useState<CompareMode>('side');
  const [swipe, setSwipe] = useState(50);
  const [hover, setHover] = useState<{ side: 'left' | 'right'; h: Hover } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [published, setPublished] = useState<number | null>(null);
  const watch = useRef<AbortController | null>(null);
  const stats = useRef({ progressEvents: 0, stages: [] as string[] });

  useEffect(() => { void loadJurisdiction(token).then(setJurisdiction); }, [token]);
  const jid = jurisdiction?.id ?? null;
  const refreshRecent = useCallback(() => {
    if (jid !== null && token && allowed) listJobs(jid, token).then(setRecent, () => undefined);
  }, [jid, token, allowed]);
  useEffect(refreshRecent, [refreshRecent]);
  useEffect(() => () => watch.current?.abort(), []);

  useEffect(() => {
    window.__wanggePlanner = { jobId: job?.id ?? null, status: job?.status ?? null, progressEvents: stats.current.progressEvents, stages: stats.current.stages };
  }, [job]);

  /** A done job's grids, blocks and metrics; the topology preview. */
  const loadResult = useCallback(async (j: Job) => {
    if (j.status !== 'done' || !j.result) return;
    const proposal = j.result.grids ?? await withRetry(() => variantGrids(j.id, 'proposal', token));
    const blockFc = await withRetry(() => jobBlocks(j.id, token));
    setGrids({ proposal });
    setOther(j.result.current ? 'current' : 'h3');
    setMetrics(j.result.metrics);
    setBlocks(blockFc);
  }, [token]);

  const follow = useCallback(async (id: number) => {
    watch.current?.abort();
    const ctl = new AbortController();
    watch.current = ctl;
    try {
      const done = await waitForJob(id, token, (j) => { if (!ctl.signal.aborted) setJob(j); }, ctl.signal);
      if (ctl.signal.aborted) return;
      if (done.status === 'done') await loadResult(done);
      else if (done.status === 'failed') setError(t('pl_failed', { message: done.error?.message ?? '' }));
      refreshRecent();
    } catch (e) {
      if ((e as Error).name !== 'AbortError') setError((e as Error).message);
    }
  }, [token, loadResult, refreshRecent, t]);

  const reset = () => {
    setGrids({}); setBlocks(null); setMetrics(null); setHistory(emptyHistory()); setSelected(null); setRedrawTo(null);
    setTopology(null); setNote(null); setEditError(null); setPublished(null); setError(null);
    stats.current = { progressEvents: 0, stages: [] };
  };

  const start = async () => {
    if (!token || jid === null) return;
    const input: AreaInput = areaMode === 'grid' && area
      ? { parentCode: area.code, jurisdictionId: jid }
      : { area: { type: 'Polygon', coordinates: [[...drawingArea, drawingArea[0]]] }, jurisdictionId: jid };
    reset();
    try {
      const { id } = await startJob(input, params, token);
      setJob({ id, jurisdictionId: jid, parentCode: 'parentCode' in input ? input.parentCode : null, status: 'queued', stage: 'queued', progress: 0, params, createdAt: new Date().toISOString(), finishedAt: null, error: null, publishedChangeSetId: null, result: null });
      void follow(id);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const open = async (id: number) => {
    reset();
    try {
      const j = await getJob(id, token);
      setJob(j);
      if (running(j)) void follow(id);
      else await loadResult(j);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  // Progress from the live stream between polls.
  const isRunning = running(job);
  const jobId = job?.id ?? null;
  useEffect(() => {
    if (!token || !isRunning || jobId === null) return undefined;
    const source = new EventSource(`/api/events?types=partition.&access_token=${encodeURIComponent(token)}`);
    source.addEventListener('partition.progress', ((ev: MessageEvent) => {
      try {
        const d = JSON.parse(ev.data as string) as { id: number; status: string; stage: string; progress: number };
        if (d.id !== jobId) return;
        stats.current.progressEvents++;
        if (!stats.current.stages.includes(d.stage)) stats.current.stages.push(d.stage);
        setJob((j) => (j && j.id === d.id && running(j) && d.status === 'running' ? { ...j, status: 'running', stage: d.stage, progress: d.progress } : j));
      } catch {
        // The poll covers a malformed event.
      }
    }) as EventListener);
    return () => source.close();
  }, [token, isRunning, jobId]);

  // The grids of the variant shown beside the proposal, fetched once per job.
  useEffect(() => {
    if (!job || job.status !== 'done' || grids[other]) return;
    let live = true;
    withRetry(() => variantGrids(job.id, other, token)).then((g) => { if (live) setGrids((x) => ({ ...x, [other]: g })); }, (e: Error) => setError(e.message));
    return () => { live = false; };
  }, [job, other, grids, token]);

  // The topology check of the proposal as it stands, after loading and after every edit.
  const proposal = grids.proposal ?? null;
  useEffect(() => {
    if (!proposal || !job?.parentCode || !token || proposal.features.length === 0) { setTopology(null); return; }
    let live = true;
    checkProposal(job.id, token).then((r) => { if (live) setTopology(r); }, () => { if (live) setTopology(null); });
    return () => { live = false; };
  }, [proposal, job?.parentCode, job?.id, token]);

  const nbrs = useMemo(() => neighbours(proposal?.features ?? []), [proposal]);
  const locked = Boolean(published ?? job?.publishedChangeSetId);

  /** After the server applied moves: blocks, grids, metrics, selection. */
  const applied = async (id: number, moves: { block: number; to: number }[], m: Summary | null, removed: number[]) => {
    // Grids, blocks and metrics change together, so the table and the maps never disagree.
    const fresh = await variantGrids(id, 'proposal', token);
    setBlocks((b) => (b ? { ...b, features: applyMoves(b.features.map((f) => f.properties), moves).map((p, i) => ({ ...b.features[i], properties: p })) } : b));
    setMetrics(m);
    setGrids((g) => ({ ...g, proposal: fresh }));
    setSelected((s) => (s !== null && removed.includes(s) ? null : s));
    setRedrawTo((s) => (s !== null && removed.includes(s) ? null : s));
  };

  const perform = async (edit: Edit) => {
    if (!job || busy) return;
    setBusy(t('pl_saving'));
    setEditError(null);
    setNote(null);
    try {
      const r = await sendMoves(job.id, edit.moves, token);
      await applied(job.id, edit.moves, r.metrics, r.removed);
      return { ...edit, removed: r.removed };
    } catch (e) {
      setEditError(t('pl_editRefused', { message: (e as Error).message }));
      return null;
    } finally {
      setBusy(null);
    }
  };

  const doEdit = async (edit: Edit) => {
    const done = await perform(edit);
    if (done) setHistory((h) => ({ done: [...h.done, done], undone: [] }));
  };

  const redo = async () => {
    const e = history.undone[history.undone.length - 1];
    if (!e) return;
    const done = await perform(e);
    if (done) setHistory((h) => ({ done: [...h.done, done], undone: h.undone.slice(0, -1) }));
  };

  /** Undo sends the inverse moves: the server brings back a grid an edit emptied (a merge, a split's new part). */
  const undo = async () => {
    const e = history.done[history.done.length - 1];
    if (!e || !job || busy) return;
    setBusy(t('pl_saving'));
    setEditError(null);
    setNote(null);
    try {
      const r = await sendMoves(job.id, e.inverse, token);
      await applied(job.id, e.inverse, r.metrics, r.removed);
      setHistory((h) => ({ done: h.done.slice(0, -1), undone: [...h.undone, e] }));
    } catch (err) {
      setEditError(t('pl_editRefused', { message: (err as Error).message }));
    } finally {
      setBusy(null);
    }
  };

  /** An edit the server computes (split, redraw): its answer lists the moves, kept for undo. */
  const serverEdit = async (kind: 'split' | 'redraw', run: () => Promise<MoveResult>): Promise<boolean> => {
    if (!job || busy) return false;
    setBusy(t('pl_saving'));
    setEditError(null);
    setNote(null);
    try {
      const r = await run();
      await applied(job.id, r.moves, r.metrics, r.removed);
      setHistory((h) => ({ done: [...h.done, appliedEdit(kind, r.moves, r.removed)], undone: [] }));
      if (kind === 'split') setNote(t('pl_splitDone', { n: r.moves.length }));
      return true;
    } catch (e) {
      setEditError(t('pl_editRefused', { message: (e as Error).message }));
      return false;
    } finally {
      setBusy(null);
    }
  };
  const split = (seq: number) => { if (job) void serverEdit('split', () => splitGrid(job.id, seq, token)); };
  const redrawRef = useRef<(g: GeoJSON.LineString | GeoJSON.Polygon) => void>(() => undefined);
  redrawRef.current = (g) => {
    if (!job || selected === null || redrawTo === null) return;
    const from = selected;
    const to = redrawTo;
    void serverEdit('redraw', () => redrawEdge(job.id, from, to, g, token)).then((ok) => { if (ok) setRedrawTo(null); });
  };
  // Drawing with terra-draw on the proposal's map while a redraw has its two grids.
  const drawing = editMode === 'redraw' && selected !== null && redrawTo !== null && leftMap !== null && !busy;
  useEffect(() => {
    if (!drawing || !leftMap) return undefined;
    return startDrawing(leftMap, shape, (g) => redrawRef.current(g));
  }, [drawing, leftMap, shape, selected, redrawTo]);

  const undoRef = useRef(undo);
  undoRef.current = undo;
  const redoRef = useRef(redo);
  redoRef.current = redo;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || (e.target as HTMLElement | null)?.closest('input, select, textarea')) return;
      const k = e.key.toLowerCase();
      if (k === 'z' && !e.shiftKey) { e.preventDefault(); void undoRef.current(); }
      else if (k === 'y' || (k === 'z' && e.shiftKey)) { e.preventDefault(); void redoRef.current(); }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const merge = (absorbed: number, into: number) => {
    if (!blocks) return;
    try { void doEdit(mergeEdit(blocks.features.map((f) => f.properties), absorbed, into)); } catch (e) { setEditError((e as Error).message); }
  };
  const moveBlock = (blockId: number) => {
    if (!blocks || selected === null || locked || busy) return;
    try { void doEdit(moveEdit(blocks.features.map((f) => f.properties), [blockId], selected)); } catch (e) { setEditError((e as Error).message); }
  };
  const moveRef = useRef(moveBlock);
  moveRef.current = moveBlock;

  // Layers.
  const done = job?.status === 'done' && proposal !== null;
  const tol = job?.params.tolerance ?? params.tolerance;
  const onHoverLeft = useCallback((h: Hover | null) => setHover(h ? { side: 'left', h } : null), []);
  const onHoverRight = useCallback((h: Hover | null) => setHover(h ? { side: 'right', h } : null), []);
  const leftLayers = useMemo(() => {
    if (!done) return areaLayers(areaMode === 'grid' ? area?.geometry ?? null : drawnClosed ? { type: 'Polygon', coordinates: [[...drawingArea, drawingArea[0]]] } : null, drawnClosed ? [] : drawingArea);
    return [
      ...gridLayers('proposal', proposal, {
        tolerance: tol, selected: [selected, editMode === 'redraw' ? redrawTo : null].filter((x): x is number => x !== null),
        pickable: editMode === 'merge' || editMode === 'split' || (editMode === 'redraw' && redrawTo === null),
        onHover: onHoverLeft, onClick: (g) => { setSelected(g.seq); setRedrawTo(null); },
      }),
      ...(editMode === 'move' ? blockLayer(blocks, { into: selected, onHover: onHoverLeft, onClick: (b) => moveRef.current(b.id) }) : []),
    ];
  }, [done, proposal, tol, selected, editMode, redrawTo, blocks, area, areaMode, drawingArea, drawnClosed, onHoverLeft]);
  const otherGrids = grids[other] ?? null;
  const rightLayers = useMemo(() => gridLayers(other, otherGrids, { tolerance: tol, pickable: true, onHover: onHoverRight }), [other, otherGrids, tol, onHoverRight]);

  const focus = useMemo(() => boundsOf(proposal) ?? (areaMode === 'grid' ? boundsOf(area?.geometry ?? null) : null), [proposal, area, areaMode]);
  const tiers = Math.max(jurisdiction?.tiers.length ?? 0, 3);

  if (!props.session) {
    return <main className="view planner"><div className="pl-gate"><p>{t('pl_signIn')}</p><button type="button" className="primary" onClick={props.requestSignIn}>{t('signIn')}</button></div></main>;
  }
  if (!allowed) return <main className="view planner"><div className="pl-gate"><p>{t('pl_noRole')}</p></div></main>;

  const tooltip = (side: 'left' | 'right') => {
    if (!hover || hover.side !== side) return null;
    const { h } = hover;
    const g = h.grid;
    const b = h.block;
    const gridCode = (seq: number | null) => proposal?.features.find((f) => f.properties.seq === seq)?.properties.code ?? (seq === null ? '—' : `#${seq}`);
    return (
      <div className="pl-tooltip" style={{ left: h.x + 12, top: h.y + 12 }} data-testid="pl-tooltip">
        {g && <>
          <strong>{g.code ?? `#${g.seq}`}</strong>
          <div>{t('pl_hh', { n: g.households })} · {t('pl_people', { n: g.population })}</div>
          {g.deviation !== null && <div>{t('pl_deviation')}: {g.deviation > 0 ? '+' : ''}{Math.round(g.deviation * 100)} %</div>}
          {g.polsbyPopper !== null && <div>{t('pl_mPP')}: {g.polsbyPopper.toFixed(2)}</div>}
          {g.flag && <div className="pl-flag">⚑ {t(flagKey(g.flag))}: {flagWhy({ ...g, flag: g.flag }, lang, t)}</div>}
        </>}
        {b && <>
          <strong>{t('pl_block', { id: b.id })}</strong>
          <div>{t('pl_hh', { n: b.households })} · {t('pl_inGrid', { code: gridCode(b.gridSeq) })}</div>
        </>}
      </div>
    );
  };

  const legend = (
    <div className="pl-legend" aria-label={t('pl_legend')}>
      <div className="bar" style={{ background: LEGEND_GRADIENT }} />
      <div className="ticks"><span>−{Math.round(tol * 200)} %</span><span>−{Math.round(tol * 100)} %</span><span>0</span><span>+{Math.round(tol * 100)} %</span><span>+{Math.round(tol * 200)} %</span></div>
      <div className="muted"><span className="swatch-flag" /> {t('pl_legendFlag')}</div>
    </div>
  );

  return (
    <main className="view planner">
      <aside className="pl-side">
        <h2>{t('pl_title')}</h2>
        {recent.length > 0 && (
          <label className="pl-recent">{t('pl_recent')}
            <select value="" onChange={(e) => { if (e.target.value) void open(Number(e.target.value)); }}>
              <option value="">…</option>
              {recent.map((j) => <option key={j.id} value={j.id}>#{j.id} {j.parentCode ?? t('pl_drawnArea')} · {t(statusKey(j.status))}{j.result?.gridCount !== undefined ? ` · ${t('pl_gridCount', { n: j.result.gridCount })}` : ''}</option>)}
            </select>
          </label>
        )}
        {(!job || !done) && !isRunning && (
          <SetupForm jurisdiction={jurisdiction} token={token} lang={lang} params={params} onParams={setParams}
            areaMode={areaMode} onAreaMode={(m) => { setAreaMode(m); setDrawing([]); setDrawnClosed(false); }}
            areaCode={area?.code ?? ''} onArea={setArea}
            drawn={drawingArea.length} drawnClosed={drawnClosed} onFinishDrawing={() => setDrawnClosed(true)} onClearDrawing={() => { setDrawing([]); setDrawnClosed(false); }}
            busy={isRunning} onStart={() => void start()} />
        )}
        {job && isRunning && (
          <div className="pl-progress" data-testid="pl-progress" data-stage={job.stage}>
            <div>{t('pl_job', { id: job.id })} · {t(statusKey(job.status))} · {t(stageKey(job.stage))}</div>
            <progress max={1} value={job.progress} />
            <button type="button" data-testid="pl-cancel" onClick={() => { void cancelJob(job.id, token).catch((e: Error) => setError(e.message)); }}>{t('pl_cancel')}</button>
          </div>
        )}
        {job && (job.status === 'cancelled' || job.status === 'failed') && (
          <p className={job.status === 'failed' ? 'error' : 'muted'} data-testid="pl-ended">{t('pl_job', { id: job.id })} · {t(statusKey(job.status))}{job.error?.message ? ` — ${job.error.message}` : ''}</p>
        )}
        {done && job && (
          <>
            <div className="pl-row pl-jobline">
              <span data-testid="pl-job-id">{t('pl_job', { id: job.id })} · {job.parentCode ?? t('pl_drawnArea')}</span>
              <span className="spacer" />
              <button type="button" onClick={() => { watch.current?.abort(); setJob(null); reset(); }}>{t('pl_new')}</button>
            </div>
            <MetricTable job={job} metrics={metrics} />
            {topology && (
              <div className={`pl-topology ${topology.ok ? (topology.warnings.length ? 'warn' : 'ok') : 'err'}`} data-testid="pl-topology">
                <strong>{t('pl_topology')}</strong>
                <Findings report={topology} />
              </div>
            )}
            <EditPanel grids={proposal} neighbours={nbrs} selected={selected} onSelect={(seq) => { setSelected(seq); setRedrawTo(null); }} onMerge={merge}
              onSplit={split} redraw={{ to: redrawTo, shape }} onRedrawTo={setRedrawTo} onShape={setShape}
              mode={editMode} onMode={(m) => { setEditMode(m); setRedrawTo(null); }}
              undo={{ count: history.done.length }}
              redo={history.undone.length} onUndo={() => void undo()} onRedo={() => void redo()}
              busy={busy} error={editError} note={note} locked={locked} />
            <PublishPanel key={job.id} job={job} token={token} disabled={busy !== null} onPublished={(r) => { setPublished(r.changeSetId); refreshRecent(); }} />
          </>
        )}
        {error && <p className="error" role="alert">{error}</p>}
      </aside>
      <CompareMaps token={token} lang={lang} tiers={tiers} attribution={t('attribution')} focus={focus}
        compare={done} mode={compareMode} swipe={swipe}
        left={{ layers: leftLayers, caption: <span>{t('pl_vProposal')}</span>, overlay: <>{tooltip('left')}{done && legend}</> }}
        right={{
          layers: rightLayers,
          caption: (
            <select aria-label={t('pl_compareWith')} data-testid="pl-other" value={other} onChange={(e) => { setOther(e.target.value as OtherVariant); setHover(null); }}>
              {job?.result?.current && <option value="current">{t('pl_vCurrent')}</option>}
              <option value="h3">{t('pl_vH3')}</option>
              <option value="kmeans">{t('pl_vKmeans')}</option>
            </select>
          ),
          overlay: tooltip('right'),
        }}
        onLeftMap={setLeftMap}
        onLeftClick={!done && areaMode === 'draw' && !drawnClosed ? (p) => setDrawing((d) => [...d, p]) : undefined}
        onError={setError}
        controls={done && (
          <div className="pl-compare-controls">
            <div className="pl-seg" role="radiogroup" aria-label={t('pl_compareMode')}>
              <label><input type="radio" name="compareMode" checked={compareMode === 'side'} onChange={() => setCompareMode('side')} /> {t('pl_sideBySide')}</label>
              <label><input type="radio" name="compareMode" data-testid="pl-swipe-mode" checked={compareMode === 'swipe'} onChange={() => setCompareMode('swipe')} /> {t('pl_swipe')}</label>
            </div>
            {compareMode === 'swipe' && <input type="range" min={0} max={100} value={swipe} aria-label={t('pl_swipe')} onChange={(e) => setSwipe(Number(e.target.value))} />}
          </div>
        )}
      />
    </main>
  );
}

function stageKey(stage: string) {
  const keys = {
    queued: 'pl_sQueued', starting: 'pl_sStarting', blocks: 'pl_sBlocks', graph: 'pl_sGraph', regions: 'pl_sRegions', grids: 'pl_sGrids',
    metrics: 'pl_sMetrics', current: 'pl_sCurrent', 'baseline-h3': 'pl_sH3', 'baseline-kmeans': 'pl_sKmeans', done: 'pl_sDone',
  } as const;
  return keys[stage as keyof typeof keys] ?? 'pl_sOther';
}

function statusKey(status: string) {
  const keys = { queued: 'pl_stQueued', running: 'pl_stRunning', done: 'pl_stDone', failed: 'pl_stFailed', cancelled: 'pl_stCancelled' } as const;
  return keys[status as keyof typeof keys] ?? 'pl_stRunning';
}

