import { bbox } from '@turf/turf';
import { useMemo, useState } from 'react';
import type { Lang } from '../../i18n/index.ts';
import { useT } from '../../i18n/index.ts';
import { validate, type TopologyReport } from './api.ts';
import { area, num } from './format.ts';
import { describeFinding, findingGeometry, GROUPS, groupFindings, padBounds, type Numbered } from './findings.ts';

export interface ParentOption { code: string; label: string }

/** Lists a report's findings by kind; a click flies to the finding and draws it in the warning colour. */
export function FindingList(props: { report: TopologyReport; lang: Lang; selected: number | null; onSelect(f: Numbered, bounds: [number, number, number, number] | null): void }) {
  const t = useT();
  const groups = useMemo(() => groupFindings(props.report), [props.report]);
  return (
    <div className="findings" data-testid="topology-findings">
      {GROUPS.map((g) => {
        const list = groups.get(g.id)!;
        return (
          <section key={g.id} className={`group ${list.length ? 'some' : 'none'}`} data-kind={g.id}>
            <h4>{t(g.label)} <span className="count" data-testid={`count-${g.id}`}>{list.length}</span></h4>
            {list.length > 0 && (
              <ul>
                {list.map((f) => {
                  const geom = findingGeometry(f);
                  return (
                    <li key={f.n}>
                      <button type="button" className={`finding ${f.severity} ${props.selected === f.n ? 'selected' : ''}`} title={f.message} data-testid="finding"
                        onClick={() => props.onSelect(f, geom ? padBounds(bbox(geom) as [number, number, number, number]) : null)}>
                        <span className="what">{describeFinding(f, t)}</span>
                        {f.areaM2 !== null && <span className="area">{area(props.lang, f.areaM2)}</span>}
                        {f.kind === 'households_out_of_band' && <span className="area">{t('grd_householdsN', { n: num(props.lang, f.households ?? 0) })}</span>}
                      </button>
                    </li>
                  );
                })}
              </ul>
            )}
          </section>
        );
      })}
    </div>
  );
}


/** The "topology" panel: pick a parent (or the whole jurisdiction), run the check, read the findings. */
export function TopologyPanel(props: {
  token: string | null; lang: Lang; jurisdictionId: number; parents: ParentOption[];
  report: TopologyReport | null; selected: number | null;
  onReport(r: TopologyReport | null): void;
  onSelect(f: Numbered, bounds: [number, number, number, number] | null): void;
}) {
  const t = useT();
  const [parent, setParent] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    props.onReport(null);
    try {
      props.onReport(await validate(props.token, props.jurisdictionId, parent || null));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const r = props.report;
  const total = r ? r.errors.length + r.warnings.length + r.slivers.length : 0;
  return (
    <div className="topology" data-testid="topology-panel">
      <label>{t('grd_parent')}
        <select value={parent} onChange={(e) => setParent(e.target.value)} data-testid="topology-parent">
          <option value="">{t('grd_wholeJurisdiction')}</option>
          {props.parents.map((p) => <option key={p.code} value={p.code}>{p.label}</option>)}
        </select>
      </label>
      <button type="button" className="primary" onClick={run} disabled={busy} data-testid="topology-run">{busy ? t('grd_checking') : t('grd_runCheck')}</button>
      {error && <p className="error" role="alert">{t('grd_checkFailed', { message: error })}</p>}
      {r && (
        <>
          <p className={`summary ${r.ok ? 'ok' : 'bad'}`} data-testid="topology-summary">
            {r.ok ? t('grd_checkOk') : r.errors.length === 1 ? t('grd_checkError1') : t('grd_checkErrors', { n: r.errors.length })}
            {' · '}{t('grd_checkCounts', { grids: r.checkedGrids, warnings: r.warnings.length, slivers: r.slivers.length })}
            {r.householdsBand && <> · {t('grd_band', { min: r.householdsBand.min, max: r.householdsBand.max })}</>}
          </p>
          {total === 0 && <p className="muted">{t('grd_noFindings')}</p>}
          <FindingList report={r} lang={props.lang} selected={props.selected} onSelect={props.onSelect} />
        </>
      )}
    </div>
  );
}
