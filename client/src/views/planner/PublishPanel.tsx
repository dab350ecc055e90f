import { useState } from 'react';
import { useT } from '../../i18n/index.ts';
import { describeFinding, findingGroupLabel } from '../grids/findings.ts';
import { PlannerApiError, publishJob, type Finding, type Job, type PublishResult, type TopologyReport } from './api.ts';

/** Publishing through the server's topology check: its refusal is shown, warnings can be accepted. */
export function PublishPanel(props: { job: Job; token: string | null; disabled: boolean; onPublished(r: PublishResult): void }) {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<{ code: string; message: string; report: TopologyReport | null } | null>(null);
  const [done, setDone] = useState<PublishResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const publishedId = done?.changeSetId ?? props.job.publishedChangeSetId;

  const publish = async (acceptWarnings: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const r = await publishJob(props.job.id, acceptWarnings, t('pl_publishSummary', { id: props.job.id }), props.token);
      setRefusal(null);
      setDone(r);
      props.onPublished(r);
    } catch (e) {
      if (e instanceof PlannerApiError && (e.code === 'topology_warnings' || e.code === 'topology_errors')) {
        setRefusal({ code: e.code, message: e.message, report: (e.details as TopologyReport | null) ?? null });
      } else setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  if (!props.job.parentCode) return <p className="muted">{t('pl_publishNoParent')}</p>;
  if (publishedId) return <p className="pl-ok" data-testid="pl-published">{t('pl_published', { id: publishedId })}</p>;
  return (
    <div className="pl-publish">
      <button type="button" className="primary" data-testid="pl-publish" disabled={busy || props.disabled} onClick={() => void publish(false)}>
        {t('pl_publish', { code: props.job.parentCode })}
      </button>
      {error && <p className="error">{error}</p>}
      {refusal && (
        <div className="pl-refusal" role="alert" data-testid="pl-refusal">
          <strong>{refusal.code === 'topology_errors' ? t('pl_refusedErrors') : t('pl_refusedWarnings')}</strong>
          <p className="muted">{refusal.message}</p>
          {refusal.report && <Findings report={refusal.report} />}
          <div className="pl-row">
            {refusal.code === 'topology_warnings' && (
              <button type="button" data-testid="pl-accept-warnings" disabled={busy || props.disabled} onClick={() => void publish(true)}>{t('pl_acceptWarnings')}</button>
            )}
            <button type="button" onClick={() => setRefusal(null)}>{t('close')}</button>
          </div>
        </div>
      )}
    </div>
  );
}

export function Findings(props: { report: TopologyReport }) {
  const t = useT();
  const list = (items: Finding[], cls: string) => items.map((f, i) => (
    <li key={`${cls}-${i}`} className={cls} title={f.message}>
      <span className="kind">{t(findingGroupLabel(f.kind))}</span> {describeFinding(f, t)}
      {f.kind === 'households_out_of_band' && f.households !== undefined && <> — {t('grd_householdsN', { n: f.households })}</>}
    </li>
  ));
  const { errors, warnings, slivers } = props.report;
  return (
    <div className="pl-findings">
      <p>{t('pl_findings', { e: errors.length, w: warnings.length, s: slivers.length })}</p>
      {(errors.length > 0 || warnings.length > 0) && <ul>{list(errors, 'err')}{list(warnings, 'warn')}</ul>}
    </div>
  );
}
