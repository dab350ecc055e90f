import { useEffect, useRef, useState } from 'react';
import type { Lang } from '../../i18n/index.ts';
import { useT } from '../../i18n/index.ts';
import { exportUrl, importJob, listGrids, startImport, type ImportJob, type Jurisdiction, type TopologyReport } from './api.ts';
import { gridsCsv } from './csv.ts';
import { num } from './format.ts';
import type { Numbered } from './findings.ts';
import { FindingList, type ParentOption } from './TopologyPanel.tsx';

const POLL_MS = 500;
const KINDS = ['grids', 'households', 'barriers', 'incidents'] as const;
const CRS = ['WGS84', 'CGCS2000', 'GCJ-02', 'BD-09'] as const;
/** Field-mapping inputs per kind (form field → what it names); CSV and GeoPackage ones apply to every kind. */
const MAPPING: Record<(typeof KINDS)[number], string[]> = {
  grids: ['codeField', 'nameField', 'nameEnField', 'parentField', 'populationField'],
  households: ['householdsField'],
  barriers: ['kindField', 'classField'],
  incidents: [],
};
const FILE_FIELDS = ['wktField', 'lngField', 'latField', 'layer'];

/** Import form with the job's progress and per-feature report; export links for a tier or a parent. */
export function ImportExport(props: {
  token: string | null; lang: Lang; jurisdiction: Jurisdiction; parents: ParentOption[]; canImport: boolean;
  selected: number | null; onImported(): void; onSelect(f: Numbered, bounds: [number, number, number, number] | null): void; onTopology(r: TopologyReport | null): void;
}) {
  return (
    <div className="import-export">
      {props.canImport && <ImportForm {...props} />}
      <ExportLinks token={props.token} jurisdiction={props.jurisdiction} parents={props.parents} />
    </div>
  );
}

function ImportForm(props: Parameters<typeof ImportExport>[0]) {
  const t = useT();
  const j = props.jurisdiction;
  const [kind, setKind] = useState<(typeof KINDS)[number]>('grids');
  const [crs, setCrs] = useState('WGS84');
  const [epsg, setEpsg] = useState('');
  const [job, setJob] = useState<ImportJob | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => { if (timer.current) clearTimeout(timer.current); }, []);

  const submit = async (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const form = new FormData();
    const file = data.get('file');
    if (!(file instanceof File) || file.size === 0) { setError(t('grd_fileRequired')); return; }
    form.set('kind', kind);
    form.set('jurisdiction', String(j.id));
    form.set('crs', crs === 'EPSG' ? `EPSG:${epsg.replace(/^epsg:/i, '')}` : crs);
    for (const [k, v] of data.entries()) {
      if (k === 'file' || typeof v !== 'string' || v.trim() === '') continue;
      form.set(k, v.trim());
    }
    // Checkboxes send nothing when off; these two must say so.
    form.set('acceptWarnings', data.get('acceptWarnings') ? 'true' : 'false');
    if (kind === 'grids') form.set('replaceChildren', data.get('replaceChildren') ? 'true' : 'false');
    form.set('file', file, file.name);
    setError(null);
    setJob(null);
    props.onTopology(null);
    setBusy(true);
    try {
      const { id } = await startImport(props.token, form);
      const poll = async () => {
        try {
          const next = await importJob(props.token, id);
          setJob(next);
          if (next.status === 'done' || next.status === 'failed') {
            setBusy(false);
            if (next.status === 'done') props.onImported();
            return;
          }
        } catch (err) {
          setError((err as Error).message);
        }
        timer.current = setTimeout(poll, POLL_MS);
      };
      await poll();
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };

  const progress = job?.progress;
  const report = job?.report;
  return (
    <form className="import" onSubmit={submit} data-testid="import-form">
      <h3>{t('grd_import')}</h3>
      <div className="row">
        <label>{t('grd_kind')}
          <select value={kind} onChange={(e) => setKind(e.target.value as typeof kind)} data-testid="import-kind">
            {KINDS.map((k) => <option key={k} value={k}>{t(`grd_kind_${k}`)}</option>)}
          </select>
        </label>
        <label>{t('grd_crs')}
          <select value={crs} onChange={(e) => setCrs(e.target.value)} data-testid="import-crs">
            {CRS.map((c) => <option key={c} value={c}>{c}</option>)}
            <option value="EPSG">EPSG:…</option>
          </select>
        </label>
        {crs === 'EPSG' && <label>EPSG<input value={epsg} onChange={(e) => setEpsg(e.target.value)} placeholder="27700" inputMode="numeric" /></label>}
      </div>
      {kind === 'grids' && (
        <div className="row">
          <label>{t('grd_tier')}
            <select name="tier" defaultValue="" data-testid="import-tier">
              <option value="">{t('grd_auto')}</option>
              {j.tiers.map((x) => <option key={x.level} value={x.level}>{x.level} · {props.lang === 'en' ? x.nameEn : x.name}</option>)}
            </select>
          </label>
          <label>{t('grd_parent')}
            <select name="parent" defaultValue="" data-testid="import-parent">
              <option value="">{t('grd_noParent')}</option>
              {props.parents.map((p) => <option key={p.code} value={p.code}>{p.label}</option>)}
            </select>
          </label>
        </div>
      )}
      <fieldset className="mapping">
        <legend>{t('grd_mapping')}</legend>
        {MAPPING[kind].map((f) => (
          <label key={f}>{f}<input name={f} placeholder={DEFAULTS[f] ?? ''} data-testid={`import-${f}`} /></label>
        ))}
        <details>
          <summary>{t('grd_fileFields')}</summary>
          <div className="mapping-grid">
            {FILE_FIELDS.map((f) => (
              <label key={f}>{f}<input name={f} placeholder={DEFAULTS[f] ?? ''} data-testid={`import-${f}`} /></label>
            ))}
          </div>
        </details>
      </fieldset>
      <div className="row checks">
        <label className="check"><input type="checkbox" name="onReject" value="skip" data-testid="import-skip" /> {t('grd_skipRejected')}</label>
        <label className="check"><input type="checkbox" name="acceptWarnings" value="true" data-testid="import-accept" /> {t('grd_acceptWarnings')}</label>
        {kind === 'grids' && <label className="check"><input type="checkbox" name="replaceChildren" value="true" defaultChecked /> {t('grd_replaceChildren')}</label>}
      </div>
      <label>{t('grd_file')}<input type="file" name="file" accept=".geojson,.json,.csv,.zip,.gpkg,.pbf" data-testid="import-file" /></label>
      <button type="submit" className="primary" disabled={busy} data-testid="import-submit">{busy ? t('grd_importing') : t('grd_startImport')}</button>
      {error && <p className="error" role="alert">{error}</p>}
      {job && (
        <div className="job" data-testid="import-job" data-status={job.status}>
          <div className="status">{t('grd_job', { id: job.id })}: <strong data-testid="import-status">{t(`grd_status_${job.status}`)}</strong>
            {progress?.stage && <> · {progress.stage} {num(props.lang, progress.done)} / {num(props.lang, progress.total)}</>}</div>
          <progress max={Math.max(progress?.total ?? 0, 1)} value={job.status === 'done' ? Math.max(progress?.total ?? 0, 1) : progress?.done ?? 0} />
          {job.error && <p className="error" data-testid="import-error">{job.error.message}</p>}
          {report && (
            <div className="report" data-testid="import-report">
              <p>{t('grd_reportLine', { features: report.features ?? 0, accepted: report.accepted ?? 0, rejected: report.rejected?.length ?? 0 })}
                {report.format && <> · {report.format}</>}{report.crs && <> · {report.crs}</>}</p>
              {report.written && <p data-testid="import-written">{t('grd_written')}: {Object.entries(report.written).map(([k, v]) => `${k} ${num(props.lang, v)}`).join(', ')}</p>}
              {(report.rejected?.length ?? 0) > 0 && (
                <table className="rejected" data-testid="import-rejected">
                  <thead><tr><th>{t('grd_feature')}</th><th>{t('grd_reason')}</th></tr></thead>
                  <tbody>{report.rejected!.map((r) => <tr key={r.ref}><td>#{r.ref}</td><td>{r.reason}</td></tr>)}</tbody>
                </table>
              )}
              {report.topology && (
                <div className="topology-in-report">
                  <h4>{t('grd_topology')}</h4>
                  <button type="button" onClick={() => props.onTopology(report.topology!)}>{t('grd_showOnMap')}</button>
                  <FindingList report={report.topology} lang={props.lang} selected={props.selected} onSelect={(f, b) => { props.onTopology(report.topology!); props.onSelect(f, b); }} />
                </div>
              )}
            </div>
          )}
        </div>
      )}
    </form>
  );
}

const DEFAULTS: Record<string, string> = { codeField: 'code', nameField: 'name', wktField: 'wkt / geometry', lngField: 'lng / lon / x', latField: 'lat / y' };

function ExportLinks(props: { token: string | null; jurisdiction: Jurisdiction; parents: ParentOption[] }) {
  const t = useT();
  const [scope, setScope] = useState(`tier:${props.jurisdiction.tiers[props.jurisdiction.tiers.length - 1]?.level ?? 1}`);
  const [csvBusy, setCsvBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [kindOf, value] = scope.split(':', 2);
  const q = { jurisdiction: props.jurisdiction.id, ...(kindOf === 'tier' ? { tier: Number(value) } : { parent: value }) };
  const csv = async () => {
    setCsvBusy(true);
    setError(null);
    try {
      const fc = await listGrids(props.token, q);
      const url = URL.createObjectURL(new Blob([gridsCsv(fc)], { type: 'text/csv;charset=utf-8' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `grids-j${q.jurisdiction}-${kindOf}${value}.csv`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setCsvBusy(false);
    }
  };
  return (
    <div className="export" data-testid="export">
      <h3>{t('grd_export')}</h3>
      <label>{t('grd_scope')}
        <select value={scope} onChange={(e) => setScope(e.target.value)} data-testid="export-scope">
          {props.jurisdiction.tiers.map((x) => <option key={x.level} value={`tier:${x.level}`}>{t('grd_scopeTier', { n: x.level, name: x.name, nameEn: x.nameEn })}</option>)}
          {props.parents.map((p) => <option key={p.code} value={`parent:${p.code}`}>{t('grd_scopeParent', { parent: p.label })}</option>)}
        </select>
      </label>
      <div className="links">
        <a href={exportUrl({ ...q, format: 'geojson' })} download data-testid="export-geojson">GeoJSON</a>
        <a href={exportUrl({ ...q, format: 'shapefile' })} download data-testid="export-shapefile">Shapefile (.zip)</a>
        <a href={exportUrl({ ...q, format: 'geopackage' })} download data-testid="export-geopackage">GeoPackage</a>
        <a href="#csv" role="button" aria-disabled={csvBusy} onClick={(e) => { e.preventDefault(); if (!csvBusy) void csv(); }} data-testid="export-csv">CSV (WKT)</a>
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      <p className="muted">{t('grd_exportNote')}</p>
    </div>
  );
}
