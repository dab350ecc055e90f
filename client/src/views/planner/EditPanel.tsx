import { useContext } from 'react';
import { LangContext, useT } from '../../i18n/index.ts';
import type { GridCollection, GridProps } from './api.ts';
import type { DrawShape } from './draw.ts';
import { flagKey, flagWhy } from './flags.ts';

export type EditMode = 'merge' | 'move' | 'split' | 'redraw';

interface Props {
  grids: GridCollection;
  neighbours: Map<number, number[]>;
  selected: number | null;
  onSelect(seq: number | null): void;
  onMerge(absorbed: number, into: number): void;
  onSplit(seq: number): void;
  /** Redraw: the neighbour that receives the selected grid's blocks, and the shape drawn. */
  redraw: { to: number | null; shape: DrawShape };
  onRedrawTo(seq: number | null): void;
  onShape(shape: DrawShape): void;
  mode: EditMode;
  onMode(m: EditMode): void;
  undo: { count: number };
  redo: number;
  onUndo(): void;
  onRedo(): void;
  busy: string | null;
  error: string | null;
  note: string | null;
  locked: boolean;
}

const HINT = { merge: 'pl_mergeHint', move: 'pl_moveHint', split: 'pl_splitHint', redraw: 'pl_redrawHint' } as const;

const devText = (d: number | null) => (d === null ? '—' : `${d > 0 ? '+' : ''}${Math.round(d * 100)} %`);

/** Editing the proposal: pick a grid, merge it with a neighbour, move blocks into it, split it, redraw its edge; undo/redo. */
export function EditPanel(props: Props) {
  const t = useT();
  const { lang } = useContext(LangContext);
  const bySeq = new Map(props.grids.features.map((f) => [f.properties.seq, f.properties]));
  const sel = props.selected !== null ? bySeq.get(props.selected) ?? null : null;
  const label = (g: GridProps) => g.code ?? `#${g.seq}`;
  const disabled = props.busy !== null || props.locked;
  return (
    <section className="pl-edit" aria-label={t('pl_edit')}>
      <div className="pl-row">
        <button type="button" data-testid="pl-undo" disabled={disabled || props.undo.count === 0} onClick={props.onUndo}>↶ {t('pl_undo')} ({props.undo.count})</button>
        <button type="button" data-testid="pl-redo" disabled={disabled || props.redo === 0} onClick={props.onRedo}>↷ {t('pl_redo')} ({props.redo})</button>
        <span className="spacer" />
        <div className="pl-seg" role="radiogroup" aria-label={t('pl_editMode')}>
          <label><input type="radio" name="editMode" checked={props.mode === 'merge'} onChange={() => props.onMode('merge')} /> {t('pl_modeMerge')}</label>
          <label><input type="radio" name="editMode" data-testid="pl-mode-move" checked={props.mode === 'move'} onChange={() => props.onMode('move')} /> {t('pl_modeMove')}</label>
          <label><input type="radio" name="editMode" data-testid="pl-mode-split" checked={props.mode === 'split'} onChange={() => props.onMode('split')} /> {t('pl_modeSplit')}</label>
          <label><input type="radio" name="editMode" data-testid="pl-mode-redraw" checked={props.mode === 'redraw'} onChange={() => props.onMode('redraw')} /> {t('pl_modeRedraw')}</label>
        </div>
      </div>
      {props.busy && <p className="muted" data-testid="pl-busy">{props.busy}</p>}
      {props.error && <p className="error" data-testid="pl-edit-error">{props.error}</p>}
      {props.note && <p className="muted" data-testid="pl-note">{props.note}</p>}
      {props.locked && <p className="muted">{t('pl_lockedPublished')}</p>}
      <p className="muted">{t(HINT[props.mode])}</p>
      {sel && (
        <div className="pl-selected" data-testid="pl-selected">
          <strong>{label(sel)}</strong> · {t('pl_hh', { n: sel.households })} · {devText(sel.deviation)}
          {sel.flag && <div className="pl-flag">⚑ {t(flagKey(sel.flag))}: {flagWhy({ ...sel, flag: sel.flag }, lang, t)}</div>}
          {props.mode === 'merge' && (
            <div className="pl-merge">
              <span className="muted">{t('pl_mergeWith')}</span>
              {(props.neighbours.get(sel.seq) ?? []).map((n) => bySeq.get(n)).filter((g): g is GridProps => Boolean(g)).map((g) => (
                <button type="button" key={g.seq} data-testid={`pl-merge-${g.seq}`} disabled={disabled}
                  onClick={() => props.onMerge(g.seq, sel.seq)}>
                  {label(g)} ({g.households}) → {sel.households + g.households}
                </button>
              ))}
              {(props.neighbours.get(sel.seq) ?? []).length === 0 && <span className="muted">{t('pl_noNeighbours')}</span>}
            </div>
          )}
          {props.mode === 'split' && (
            <div className="pl-merge">
              <button type="button" data-testid="pl-split" disabled={disabled} onClick={() => props.onSplit(sel.seq)}>{t('pl_splitGrid', { code: label(sel) })}</button>
            </div>
          )}
          {props.mode === 'redraw' && (
            <div className="pl-merge">
              <span className="muted">{t('pl_redrawTo')}</span>
              {(props.neighbours.get(sel.seq) ?? []).map((n) => bySeq.get(n)).filter((g): g is GridProps => Boolean(g)).map((g) => (
                <button type="button" key={g.seq} data-testid={`pl-redraw-to-${g.seq}`} disabled={disabled} aria-pressed={props.redraw.to === g.seq}
                  className={props.redraw.to === g.seq ? 'selected' : undefined}
                  onClick={() => props.onRedrawTo(props.redraw.to === g.seq ? null : g.seq)}>
                  {label(g)} ({g.households})
                </button>
              ))}
              <div className="pl-seg" role="radiogroup" aria-label={t('pl_drawShape')}>
                <label><input type="radio" name="drawShape" data-testid="pl-shape-line" checked={props.redraw.shape === 'linestring'} onChange={() => props.onShape('linestring')} /> {t('pl_shapeLine')}</label>
                <label><input type="radio" name="drawShape" data-testid="pl-shape-polygon" checked={props.redraw.shape === 'polygon'} onChange={() => props.onShape('polygon')} /> {t('pl_shapePolygon')}</label>
              </div>
              {props.redraw.to !== null && <p className="muted" data-testid="pl-drawing">{t(props.redraw.shape === 'linestring' ? 'pl_drawLineHint' : 'pl_drawPolygonHint', { from: label(sel), to: label(bySeq.get(props.redraw.to) ?? sel) })}</p>}
            </div>
          )}
        </div>
      )}
      <div className="pl-gridlist">
        <table>
          <thead><tr><th>{t('gridCode')}</th><th>{t('pl_households')}</th><th>{t('pl_deviation')}</th><th>⚑</th></tr></thead>
          <tbody>
            {props.grids.features.map((f) => {
              const g = f.properties;
              return (
                <tr key={g.seq} data-testid="pl-grid-row" data-seq={g.seq} className={g.seq === props.selected ? 'selected' : undefined}
                  onClick={() => props.onSelect(g.seq === props.selected ? null : g.seq)} title={g.flag ? flagWhy({ ...g, flag: g.flag }, lang, t) : undefined}>
                  <td>{label(g)}</td><td>{g.households}</td><td>{devText(g.deviation)}</td><td>{g.flag ? t(flagKey(g.flag)) : ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
