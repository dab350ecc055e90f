import { useEffect, useState } from 'react';
import { useT, type Lang } from '../../i18n/index.ts';
import { LIGHT_COLOURS } from '../../map/style.ts';
import { ACTION_NEEDS, ActionError, missingFields, takeAction, type Action, type ActionBody, type Department, type Incident, type IncidentDetail } from './api.ts';
import { categoryLabel, chainLabel, departmentLabel, formatTime, untilParts } from './format.ts';

/** Actions that end or undo something get the quieter style; the loop's forward steps stand out. */
const FORWARD: Action[] = ['register', 'dispatch', 'handle', 'close', 'evaluate'];

/** The detail drawer: the case, its grid chain, deadlines and light, the actions the role may take now, the history. */
export function Drawer(props: {
  detail: IncidentDetail | null;
  error: string | null;
  departments: Department[];
  token: string | null;
  lang: Lang;
  onChanged(incident: Incident): void;
  onReload(): void;
  onClose(): void;
}) {
  const t = useT();
  const { detail: d, lang } = props;
  const [action, setAction] = useState<Action | null>(null);
  const [form, setForm] = useState<Omit<ActionBody, 'action'>>({});
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: 'error' | 'ok'; text: string } | null>(null);

  // Another incident: start clean.
  useEffect(() => { setAction(null); setForm({}); setMessage(null); }, [d?.id]);
  // The case moved on (a live event reloaded it) and the chosen action is no longer allowed: close the form and say so.
  useEffect(() => {
    if (d && action && !d.allowedActions.includes(action)) {
      setAction(null);
      setMessage({ kind: 'error', text: t('inc_versionConflict') });
    }
    // Only a new version of the case matters here.
  }, [d?.version]);

  if (!d) {
    return (
      <section className="inc-drawer" data-testid="inc-drawer" aria-busy={!props.error}>
        <button type="button" className="close" aria-label={t('close')} onClick={props.onClose}>×</button>
        {props.error ? <p className="error" role="alert">{props.error}</p> : <p className="muted">{t('loading')}</p>}
      </section>
    );
  }

  const choose = (a: Action) => {
    setAction(a);
    setMessage(null);
    setForm(a === 'dispatch' ? { department: d.department?.code ?? props.departments[0]?.code } : a === 'evaluate' ? { satisfaction: 5 } : a === 'extend' ? { limit: '2wd' } : {});
  };
  const missing = action ? missingFields(action, form) : [];
  const submit = async () => {
    if (!action || missing.length) return;
    setBusy(true);
    setMessage(null);
    try {
      const body: ActionBody = { action, version: d.version };
      for (const k of ['note', 'department', 'approver', 'limit'] as const) if (form[k]?.trim()) body[k] = form[k]!.trim();
      if (action === 'evaluate') body.satisfaction = form.satisfaction;
      const incident = await takeAction(d.id, body, props.token);
      setAction(null);
      setForm({});
      setMessage({ kind: 'ok', text: t('inc_actionDone', { action: t(`inc_act_${action}`), status: t(`status_${incident.status}`) }) });
      props.onChanged(incident);
    } catch (err) {
      const e = err as Error;
      if (e instanceof ActionError && e.allowed) {
        // 409/403: someone else moved the case, or the role may not; the server says what is allowed now.
        setMessage({ kind: 'error', text: t('inc_actionRefused', { message: e.message, allowed: e.allowed.map((a) => t(`inc_act_${a}`)).join(', ') || '—' }) });
        setAction(null);
        props.onReload();
      } else if (e instanceof ActionError && e.code === 'version_conflict') {
        setMessage({ kind: 'error', text: t('inc_versionConflict') });
        setAction(null);
        props.onReload();
      } else {
        setMessage({ kind: 'error', text: e.message });
      }
    } finally {
      setBusy(false);
    }
  };

  // The tier now handling the case (escalation moves it up: 小事不出村，大事不出镇), named from the chain.
  const tierLink = d.gridChain.find((c) => c.tier === d.tier);
  const handlingTier = d.tier === null ? null : tierLink ? chainLabel(tierLink, lang) : String(d.tier);

  const deadline = (label: string, due: string | null, warn: string | null, done: string | null) => {
    if (!due) return null;
    const u = untilParts(due);
    return (
      <tr>
        <th>{label}</th>
        <td>
          {formatTime(due, lang)}
          {!done && <span className={`until ${u.overdue ? 'overdue' : ''}`}> · {t(u.overdue ? 'inc_overdueBy' : 'inc_dueIn', { n: u.amount, unit: t(`inc_unit_${u.unit}`) })}</span>}
          {done && <span className="until"> · {t('inc_doneAt', { at: formatTime(done, lang) })}</span>}
          {warn && !done && <div className="muted">{t('inc_warnAt', { at: formatTime(warn, lang) })}</div>}
        </td>
      </tr>
    );
  };

  return (
    <section className="inc-drawer" data-testid="inc-drawer" data-id={d.id} data-status={d.status} aria-label={t('inc_detail')}>
      <button type="button" className="close" aria-label={t('close')} onClick={props.onClose}>×</button>
      <header>
        <span className="light big" style={{ background: LIGHT_COLOURS[d.light] ?? LIGHT_COLOURS.none }} />
        <div>
          <h3>#{d.id} {categoryLabel(d.category, lang)}</h3>
          <div className="badges">
            <span className={`status s-${d.status}`} data-testid="inc-status">{t(`status_${d.status}`)}</span>
            <span className={`lightname l-${d.light}`} data-testid="inc-light">{t(`inc_light_${d.light}`)}</span>
            <span>{t(`inc_class_${d.class}`)}</span>
          </div>
        </div>
      </header>
      {d.description && <p className="desc">{d.description}</p>}
      <table className="facts">
        <tbody>
          <tr><th>{t('inc_chain')}</th><td className="chain" data-testid="inc-chain">{d.gridChain.map((c) => <span key={c.code} title={c.code}>{chainLabel(c, lang)}</span>)}</td></tr>
          <tr><th>{t('inc_source')}</th><td>{SOURCE_KEYS.has(d.source) ? t(`inc_src_${d.source as 'patrol'}`) : d.source}</td></tr>
          <tr><th>{t('inc_reportedAt')}</th><td>{formatTime(d.times.reportedAt, lang)}</td></tr>
          {handlingTier && <tr><th>{t('inc_tier')}</th><td data-testid="inc-tier">{handlingTier}</td></tr>}
          {d.department && <tr><th>{t('inc_department')}</th><td>{departmentLabel(d.department, lang)}</td></tr>}
          {deadline(t('inc_handleBy'), d.deadlines.handleDueAt, d.deadlines.handleWarnAt, d.times.handledAt)}
          {deadline(t('inc_closeBy'), d.deadlines.closeDueAt, d.deadlines.closeWarnAt, d.times.closedAt)}
          {d.satisfaction !== null && <tr><th>{t('inc_satisfaction')}</th><td>{'★'.repeat(d.satisfaction)}{'☆'.repeat(5 - d.satisfaction)}</td></tr>}
          {d.rejectReason && <tr><th>{t('inc_rejectReason')}</th><td>{d.rejectReason}</td></tr>}
          {d.park?.reason && <tr><th>{t('inc_parkReason')}</th><td>{d.park.reason}{d.park.approver ? ` (${d.park.approver})` : ''}</td></tr>}
          {d.reporterContact && <tr><th>{t('inc_contact')}</th><td>{d.reporterContact}</td></tr>}
        </tbody>
      </table>

      {d.photos.length > 0 && (
        <div className="inc-photos" data-testid="inc-photos">
          <h4>{t('inc_photos')}</h4>
          {d.photos.map((p) => {
            // Image tags cannot send a header: the token goes in the query (the API accepts access_token).
            const src = `${p.url}?access_token=${encodeURIComponent(props.token ?? '')}`;
            return <a key={p.id} href={src} target="_blank" rel="noreferrer"><img src={src} alt={`${t('inc_photos')} ${p.id}`} loading="lazy" /></a>;
          })}
        </div>
      )}

      <div className="inc-actions" data-testid="inc-actions">
        <h4>{t('inc_actions')}</h4>
        {d.allowedActions.length === 0 && <p className="muted" data-testid="inc-no-actions">{t('inc_noActions')}</p>}
        <div className="buttons">
          {d.allowedActions.map((a) => (
            <button key={a} type="button" data-testid={`inc-action-${a}`} className={FORWARD.includes(a) ? 'primary' : ''} aria-pressed={action === a} disabled={busy}
              onClick={() => choose(a)}>{t(`inc_act_${a}`)}</button>
          ))}
        </div>
        {action && (
          <form className="inc-action-form" data-testid="inc-action-form" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
            {ACTION_NEEDS[action].includes('department') && (
              <label>{t('inc_department')}
                <select data-testid="inc-a-department" value={form.department ?? ''} onChange={(e) => setForm({ ...form, department: e.target.value })}>
                  {props.departments.map((x) => <option key={x.id} value={x.code}>{departmentLabel(x, lang)}</option>)}
                </select>
              </label>
            )}
            {ACTION_NEEDS[action].includes('satisfaction') && (
              <fieldset className="stars">
                <legend>{t('inc_satisfaction')}</legend>
                {[1, 2, 3, 4, 5].map((n) => (
                  <label key={n}><input type="radio" name="satisfaction" value={n} checked={form.satisfaction === n} onChange={() => setForm({ ...form, satisfaction: n })} />{n}</label>
                ))}
              </fieldset>
            )}
            {ACTION_NEEDS[action].includes('approver') && (
              <label>{t('inc_approver')}<input data-testid="inc-a-approver" value={form.approver ?? ''} onChange={(e) => setForm({ ...form, approver: e.target.value })} /></label>
            )}
            {ACTION_NEEDS[action].includes('limit') && (
              <label>{t('inc_limit')}<input data-testid="inc-a-limit" value={form.limit ?? ''} placeholder="2wd" onChange={(e) => setForm({ ...form, limit: e.target.value })} /></label>
            )}
            <label>{ACTION_NEEDS[action].includes('note') ? t(action === 'reject' || action === 'park' ? 'inc_reason' : 'inc_noteRequired') : t('inc_note')}
              <textarea data-testid="inc-a-note" rows={2} value={form.note ?? ''} onChange={(e) => setForm({ ...form, note: e.target.value })} />
            </label>
            <div className="row">
              <button type="submit" className="primary" data-testid="inc-a-submit" disabled={busy || missing.length > 0}>{t(`inc_act_${action}`)}</button>
              <button type="button" onClick={() => setAction(null)}>{t('cancel')}</button>
            </div>
          </form>
        )}
        {message && <p className={message.kind === 'error' ? 'error' : 'ok'} role={message.kind === 'error' ? 'alert' : 'status'} data-testid="inc-action-message">{message.text}</p>}
      </div>

      <div className="inc-history">
        <h4>{t('inc_history')}</h4>
        <ol data-testid="inc-history">
          {d.history.map((h) => (
            <li key={h.id} data-action={h.action}>
              <div className="when">{formatTime(h.at, lang)} · {h.username ?? t('inc_system')}</div>
              <div className="what">
                <strong>{ACTION_LABELLED.has(h.action) ? t(`inc_act_${h.action as Action}`) : h.action === 'report' ? t('inc_act_report') : h.action === 'photo' ? t('inc_act_photo') : h.action}</strong>
                {h.fromStatus && h.fromStatus !== h.toStatus && <span className="muted"> {t(`status_${h.fromStatus as 'reported'}`)} → {t(`status_${h.toStatus as 'reported'}`)}</span>}
                {!h.fromStatus && h.action !== 'report' && <span className="muted"> → {t(`status_${h.toStatus as 'reported'}`)}</span>}
              </div>
              {historyData(h.data, t, (code) => departmentLabel(props.departments.find((x) => x.code === code) ?? null, lang) || code).map((s) => <div key={s} className="data">{s}</div>)}
              {h.note && <div className="note">{h.note}</div>}
            </li>
          ))}
        </ol>
      </div>
    </section>
  );
}

const ACTION_LABELLED = new Set<string>(Object.keys(ACTION_NEEDS));
const SOURCE_KEYS = new Set(['patrol', 'hotline', 'app', 'open311', 'import']);

/** The few data fields of a history line worth showing (department, satisfaction, extension, tier). */
function historyData(data: Record<string, unknown>, t: ReturnType<typeof useT>, department: (code: string) => string): string[] {
  const out: string[] = [];
  if (typeof data.department === 'string') out.push(`${t('inc_department')}: ${department(data.department)}`);
  if (typeof data.satisfaction === 'number' && !('parkedHours' in data)) out.push(`${t('inc_satisfaction')}: ${data.satisfaction}/5`);
  if (typeof data.limit === 'string') out.push(`${t('inc_limit')}: ${data.limit}`);
  if (typeof data.toTier === 'number') out.push(`${t('inc_tier')}: ${data.toTier}`);
  return out;
}
