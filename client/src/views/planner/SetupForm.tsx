import { useEffect, useState } from 'react';
import type { JurisdictionInfo } from '../../api/jurisdiction.ts';
import { useT } from '../../i18n/index.ts';
import type { Lang } from '../../i18n/index.ts';
import { ALL_CLASSES, DEFAULT_PREFERRED, listAreas, RURAL_PREFERRED, type AreaChoice, type PartitionParams } from './api.ts';

export type AreaMode = 'grid' | 'draw';

interface Props {
  jurisdiction: JurisdictionInfo | null;
  token: string | null;
  lang: Lang;
  params: PartitionParams;
  onParams(p: PartitionParams): void;
  areaMode: AreaMode;
  onAreaMode(m: AreaMode): void;
  areaCode: string;
  onArea(choice: AreaChoice | null): void;
  /** Vertices drawn so far, and whether the polygon is closed. */
  drawn: number;
  drawnClosed: boolean;
  onFinishDrawing(): void;
  onClearDrawing(): void;
  busy: boolean;
  onStart(): void;
}

type ClassRole = 'hard' | 'preferred' | 'ignored';

/** The area (a grid of the jurisdiction, or a drawn polygon) and the parameters of a proposal. */
export function SetupForm(props: Props) {
  const t = useT();
  const { params: p, onParams } = props;
  const levels = props.jurisdiction?.tiers.map((x) => x.level) ?? [1, 2];
  // Unit grids are the bottom tier; what a planner cuts is above it.
  const cuttable = levels.length > 1 ? levels.slice(0, -1) : levels;
  const [tier, setTier] = useState<number | null>(null);
  const [areas, setAreas] = useState<AreaChoice[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const chosenTier = tier ?? cuttable[cuttable.length - 1] ?? 1;
  const jid = props.jurisdiction?.id ?? null;

  useEffect(() => {
    if (jid === null) return;
    let live = true;
    setAreas(null);
    listAreas(jid, chosenTier, props.token).then((a) => { if (live) { setAreas(a); setError(null); } }, (e: Error) => { if (live) setError(e.message); });
    return () => { live = false; };
  }, [jid, chosenTier, props.token]);

  const byPeople = p.targetPeople !== null && p.targetPeople !== undefined;
  const role = (c: string): ClassRole => (p.hardClasses.includes(c) ? 'hard' : p.preferredClasses.includes(c) ? 'preferred' : 'ignored');
  const setRole = (c: string, r: ClassRole) => onParams({
    ...p,
    hardClasses: r === 'hard' ? [...p.hardClasses.filter((x) => x !== c), c] : p.hardClasses.filter((x) => x !== c),
    preferredClasses: r === 'preferred' ? [...p.preferredClasses.filter((x) => x !== c), c] : p.preferredClasses.filter((x) => x !== c),
  });
  const tierName = (level: number) => {
    const info = props.jurisdiction?.tiers.find((x) => x.level === level);
    return info ? (props.lang === 'en' ? info.nameEn : info.name) : t('tierFallback', { n: level });
  };
  const ready = props.areaMode === 'grid' ? props.areaCode !== '' : props.drawnClosed;

  return (
    <form className="pl-setup" onSubmit={(e) => { e.preventDefault(); if (ready && !props.busy) props.onStart(); }}>
      <fieldset>
        <legend>{t('pl_area')}</legend>
        <div className="pl-seg" role="radiogroup">
          <label><input type="radio" name="areaMode" checked={props.areaMode === 'grid'} onChange={() => props.onAreaMode('grid')} /> {t('pl_areaGrid')}</label>
          <label><input type="radio" name="areaMode" checked={props.areaMode === 'draw'} onChange={() => props.onAreaMode('draw')} /> {t('pl_areaDraw')}</label>
        </div>
        {props.areaMode === 'grid' ? (
          <>
            {cuttable.length > 1 && (
              <label>{t('pl_tier')}
                <select value={chosenTier} onChange={(e) => { setTier(Number(e.target.value)); props.onArea(null); }}>
                  {cuttable.map((l) => <option key={l} value={l}>{tierName(l)}</option>)}
                </select>
              </label>
            )}
            <label>{t('pl_grid')}
              <select data-testid="pl-area" value={props.areaCode} onChange={(e) => props.onArea(areas?.find((a) => a.code === e.target.value) ?? null)}>
                <option value="">{areas ? t('pl_chooseGrid') : t('loading')}</option>
                {areas?.map((a) => (
                  <option key={a.code} value={a.code}>
                    {a.code} {props.lang === 'en' ? a.nameEn ?? a.name : a.name} · {t('pl_hh', { n: a.households })}
                  </option>
                ))}
              </select>
            </label>
            {error && <p className="error">{error}</p>}
          </>
        ) : (
          <div className="pl-draw">
            <p className="muted">{props.drawnClosed ? t('pl_drawDone', { n: props.drawn }) : t('pl_drawHint', { n: props.drawn })}</p>
            <div className="pl-row">
              <button type="button" disabled={props.drawn < 3 || props.drawnClosed} onClick={props.onFinishDrawing}>{t('pl_drawFinish')}</button>
              <button type="button" disabled={props.drawn === 0} onClick={props.onClearDrawing}>{t('pl_drawClear')}</button>
            </div>
          </div>
        )}
      </fieldset>

      <fieldset>
        <legend>{t('pl_params')}</legend>
        <div className="pl-row">
          <select aria-label={t('pl_targetBy')} value={byPeople ? 'people' : 'households'}
            onChange={(e) => onParams(e.target.value === 'people'
              ? { ...p, targetPeople: Math.round((p.targetHouseholds ?? 200) * 2.74 / 10) * 10, targetHouseholds: null }
              : { ...p, targetHouseholds: Math.round((p.targetPeople ?? 548) / 2.74 / 10) * 10 || 200, targetPeople: null })}>
            <option value="households">{t('pl_targetHouseholds')}</option>
            <option value="people">{t('pl_targetPeople')}</option>
          </select>
          <input type="number" data-testid="pl-target" min={1} max={byPeople ? 300000 : 100000} required
            value={(byPeople ? p.targetPeople : p.targetHouseholds) ?? ''}
            onChange={(e) => onParams(byPeople ? { ...p, targetPeople: Number(e.target.value) } : { ...p, targetHouseholds: Number(e.target.value) })} />
        </div>
        <div className="pl-presets">
          {[200, 400].map((n) => <button type="button" key={n} onClick={() => onParams({ ...p, targetHouseholds: n, targetPeople: null })}>{t('pl_hh', { n })}</button>)}
          <button type="button" onClick={() => onParams({ ...p, targetPeople: 1200, targetHouseholds: null })}>{t('pl_people', { n: 1200 })}</button>
        </div>
        <label>{t('pl_tolerance')} <span className="muted">±{Math.round(p.tolerance * 100)} %</span>
          <input type="range" min={5} max={50} step={5} value={Math.round(p.tolerance * 100)} onChange={(e) => onParams({ ...p, tolerance: Number(e.target.value) / 100 })} />
        </label>
        <label className="pl-check"><input type="checkbox" checked={p.keepLowerBorders} onChange={(e) => onParams({ ...p, keepLowerBorders: e.target.checked })} /> {t('pl_keepLower')}</label>
        <label className="pl-check"><input type="checkbox" checked={p.rural}
          onChange={(e) => onParams({ ...p, rural: e.target.checked, preferredClasses: [...(e.target.checked ? RURAL_PREFERRED : DEFAULT_PREFERRED)].filter((c) => !p.hardClasses.includes(c)) })} /> {t('pl_rural')}</label>
        <label>{t('pl_seed')}
          <input type="number" min={0} value={p.seed} onChange={(e) => onParams({ ...p, seed: Number(e.target.value) })} />
        </label>
        <details className="pl-classes">
          <summary>{t('pl_barriers', { hard: p.hardClasses.length, preferred: p.preferredClasses.length })}</summary>
          <table>
            <thead><tr><th>{t('pl_class')}</th><th>{t('pl_hard')}</th><th>{t('pl_preferred')}</th><th>{t('pl_ignored')}</th></tr></thead>
            <tbody>
              {ALL_CLASSES.map((c) => (
                <tr key={c}>
                  <td>{c}</td>
                  {(['hard', 'preferred', 'ignored'] as ClassRole[]).map((r) => (
                    <td key={r}><input type="radio" name={`class-${c}`} aria-label={`${c} ${r}`} checked={role(c) === r} onChange={() => setRole(c, r)} /></td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </fieldset>
      <button type="submit" className="primary" data-testid="pl-start" disabled={!ready || props.busy}>{t('pl_start')}</button>
    </form>
  );
}
