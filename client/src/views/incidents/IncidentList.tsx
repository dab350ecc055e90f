import { useEffect, useState } from 'react';
import { api } from '../../api/client.ts';
import { useT, type Lang } from '../../i18n/index.ts';
import { LIGHT_COLOURS } from '../../map/style.ts';
import { EMPTY_FILTERS, LIGHTS, PAGE_SIZE, STATUSES, type Category, type Department, type Filters, type Incident } from './api.ts';
import { categoryLabel, departmentLabel, formatTime, gridName, nameOf } from './format.ts';

/** "Open" is not a status on the server: it is the four open ones. */
export const OPEN_STATUS_FILTER = 'reported,registered,dispatched,handled';
const PERIODS = ['', '1', '7', '30', '90', 'custom'] as const;

interface GridOption { code: string; name: string; nameEn: string | null; tier: number }

export function IncidentList(props: {
  filters: Filters;
  onFilters(f: Filters): void;
  page: number;
  onPage(p: number): void;
  list: { items: Incident[]; total: number } | null;
  error: string | null;
  selectedId: number | null;
  onSelect(id: number): void;
  categories: Category[];
  departments: Department[];
  jurisdictionId: number | null;
  token: string | null;
  lang: Lang;
}) {
  const t = useT();
  const { filters: f, lang } = props;
  const [gridText, setGridText] = useState(f.grid);
  const [grids, setGrids] = useState<GridOption[]>([]);
  useEffect(() => setGridText(f.grid), [f.grid]);

  // The grid filter offers the upper tiers by name; any code of any tier may be typed.
  useEffect(() => {
    if (props.jurisdictionId === null) return;
    let cancelled = false;
    void Promise.all([1, 2].map((tier) => api<{ features: { properties: GridOption }[] }>(`/api/grids?jurisdiction=${props.jurisdictionId}&tier=${tier}&simplify=0.01&limit=500`)
      .then((fc) => fc.features.map((x) => x.properties), () => [] as GridOption[])))
      .then((lists) => { if (!cancelled) setGrids(lists.flat()); });
    return () => { cancelled = true; };
  }, [props.jurisdictionId]);

  const set = (patch: Partial<Filters>) => props.onFilters({ ...f, ...patch });
  const applyGrid = () => { if (gridText.trim() !== f.grid) set({ grid: gridText.trim() }); };
  const total = props.list?.total ?? 0;
  const first = props.page * PAGE_SIZE;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));

  return (
    <div className="inc-list-pane">
      <form className="inc-filters" data-testid="inc-filters" onSubmit={(e) => { e.preventDefault(); applyGrid(); }}>
        <label>{t('inc_fStatus')}
          <select data-testid="inc-f-status" value={f.status} onChange={(e) => set({ status: e.target.value })}>
            <option value="">{t('inc_all')}</option>
            <option value={OPEN_STATUS_FILTER}>{t('inc_open')}</option>
            {STATUSES.map((s) => <option key={s} value={s}>{t(`status_${s}`)}</option>)}
          </select>
        </label>
        <label>{t('inc_fLight')}
          <select data-testid="inc-f-light" value={f.light} onChange={(e) => set({ light: e.target.value })}>
            <option value="">{t('inc_all')}</option>
            {LIGHTS.map((l) => <option key={l} value={l}>{t(`inc_light_${l}`)}</option>)}
          </select>
        </label>
        <label className="wide">{t('inc_fCategory')}
          <select data-testid="inc-f-category" value={f.category} onChange={(e) => set({ category: e.target.value })}>
            <option value="">{t('inc_all')}</option>
            {props.categories.map((major) => (
              <optgroup key={major.code} label={categoryLabel(major, lang)}>
                <option value={major.code}>{categoryLabel(major, lang)} · {t('inc_allOf')}</option>
                {(major.children ?? []).map((c) => <option key={c.code} value={c.code}>{categoryLabel(c, lang)}</option>)}
              </optgroup>
            ))}
          </select>
        </label>
        <label>{t('inc_fGrid')}
          <input data-testid="inc-f-grid" list="inc-grid-options" value={gridText} placeholder={t('inc_gridPlaceholder')}
            onChange={(e) => setGridText(e.target.value)} onBlur={applyGrid} />
          <datalist id="inc-grid-options">
            {grids.map((g) => <option key={g.code} value={g.code}>{nameOf(g, lang)}</option>)}
          </datalist>
        </label>
        <label>{t('inc_fDepartment')}
          <select data-testid="inc-f-department" value={f.department} onChange={(e) => set({ department: e.target.value })}>
            <option value="">{t('inc_all')}</option>
            {props.departments.map((d) => <option key={d.id} value={d.code}>{departmentLabel(d, lang)}</option>)}
          </select>
        </label>
        <label>{t('inc_fPeriod')}
          <select data-testid="inc-f-period" value={f.period} onChange={(e) => set({ period: e.target.value })}>
            {PERIODS.map((p) => <option key={p} value={p}>{p === '' ? t('inc_anyTime') : p === 'custom' ? t('inc_customPeriod') : t('inc_lastDays', { n: p })}</option>)}
          </select>
        </label>
        {f.period === 'custom' && (
          <div className="inc-dates">
            <label>{t('inc_from')}<input type="date" data-testid="inc-f-from" value={f.from} onChange={(e) => set({ from: e.target.value })} /></label>
            <label>{t('inc_to')}<input type="date" data-testid="inc-f-to" value={f.to} onChange={(e) => set({ to: e.target.value })} /></label>
          </div>
        )}
        <button type="button" className="inc-clear" onClick={() => props.onFilters(EMPTY_FILTERS)}>{t('inc_clearFilters')}</button>
      </form>
      <div className="inc-count" data-testid="inc-count" aria-live="polite">
        {props.list ? (total ? t('inc_range', { from: first + 1, to: Math.min(first + PAGE_SIZE, total), total }) : t('inc_none')) : t('loading')}
      </div>
      {props.error && <div className="error" role="alert">{props.error}</div>}
      <ul className="inc-list" data-testid="inc-list">
        {props.list?.items.map((i) => (
          <li key={i.id}>
            <button type="button" data-testid="inc-row" data-id={i.id} data-status={i.status} aria-current={props.selectedId === i.id ? 'true' : undefined}
              onClick={() => props.onSelect(i.id)}>
              <span className="light" style={{ background: LIGHT_COLOURS[i.light] ?? LIGHT_COLOURS.none }} title={t(`inc_light_${i.light}`)} />
              <span className="main">
                <span className="cat">{nameOf(i.category, lang)}</span>
                <span className="meta">#{i.id} · {gridName(i, lang)} · {formatTime(i.times.reportedAt, lang)}</span>
              </span>
              <span className={`status s-${i.status}`}>{t(`status_${i.status}`)}</span>
            </button>
          </li>
        ))}
      </ul>
      <div className="inc-pager">
        <button type="button" data-testid="inc-prev" disabled={props.page === 0} onClick={() => props.onPage(props.page - 1)}>‹ {t('inc_prev')}</button>
        <span>{t('inc_page', { page: props.page + 1, pages })}</span>
        <button type="button" data-testid="inc-next" disabled={props.page + 1 >= pages} onClick={() => props.onPage(props.page + 1)}>{t('inc_next')} ›</button>
      </div>
    </div>
  );
}
