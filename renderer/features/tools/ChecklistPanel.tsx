import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { callQuery, queryClient, useCall } from '../../api/queries';
import { ElevationConfirm, ParamForm, RunPanel, TargetPicker, defaults, useErrorText, useLang, useSshProfiles, type Catalog, type ChecklistRun, type ParamValues, type TicketPc, type ToolTarget } from './shared';
import { Notice } from '../../components/Notice';

/** Start one of the catalog's checklists on a PC (optionally for a ticket). */
export function ChecklistStarter({ catalog, ticketId, onStarted, ticketPcs }: { catalog: Catalog; ticketId?: string; onStarted: (run: ChecklistRun) => void; ticketPcs?: TicketPc[] }) {
  const { t } = useTranslation('tools');
  const lang = useLang();
  const errText = useErrorText();
  const [id, setId] = useState('');
  const [target, setTarget] = useState<ToolTarget | null>(null);
  const [error, setError] = useState<string | null>(null);
  const def = catalog.checklists.find((c) => c.id === id) ?? null;
  return (
    <form
      className="checklist-starter"
      onSubmit={(e) => {
        e.preventDefault();
        if (!def || !target) return;
        setError(null);
        api.call('tools.checklistStart', { checklistId: def.id, target, ticketId }).then(
          (r) => {
            setId('');
            onStarted(r.run);
          },
          (err) => setError(errText(err)),
        );
      }}
    >
      <label className="field" htmlFor="checklist-select">
        <span>{t('checklistToStart')}</span>
        <select id="checklist-select" data-testid="checklist-select" value={id} onChange={(e) => setId(e.target.value)}>
          <option value="">{t('chooseChecklist')}</option>
          {catalog.checklists.map((c) => (
            <option key={c.id} value={c.id}>
              {c.label[lang]} ({t(`os.${c.os}`)})
            </option>
          ))}
        </select>
      </label>
      {def && (
        <>
          <p className="muted">{def.help[lang]}</p>
          <ChecklistPreview def={def} catalog={catalog} />
          <TargetPicker os={def.os} localOs={catalog.localOs} value={target} onChange={setTarget} id={`cl-target-${def.id}`} ticketPcs={ticketPcs} ticketId={ticketId} />
          <button type="submit" className="primary" disabled={!target} data-testid="checklist-start">
            {t('startChecklist')}
          </button>
        </>
      )}
      <Notice error={error} />
    </form>
  );
}

/** The steps of a checklist before it is started: what the installer will be asked to do, in order. */
function ChecklistPreview({ def, catalog }: { def: Catalog['checklists'][number]; catalog: Catalog }) {
  const { t } = useTranslation('tools');
  const lang = useLang();
  return (
    <details className="checklist-preview" data-testid="checklist-preview" open>
      <summary>{t('preview.title', { count: def.steps.length })}</summary>
      <ol className="checklist-steps">
        {def.steps.map((s, i) => {
          const tool = s.kind === 'tool' ? catalog.tools.find((x) => x.id === s.toolId) : undefined;
          const label = s.label?.[lang] ?? tool?.label[lang] ?? (s.kind === 'tool' ? s.toolId : '');
          return (
            <li key={i} data-testid="checklist-preview-step" data-kind={s.kind}>
              <span className="step-label">{label}</span> <span className="badge">{t(`preview.${s.kind}`)}</span>
              {s.kind === 'manual' && s.help && <span className="muted"> — {s.help[lang]}</span>}
              {tool?.elevation && <span className="badge danger">{t('needsElevation')}</span>}
            </li>
          );
        })}
      </ol>
    </details>
  );
}

/** One checklist run: progress bar, ordered steps, and the action of the current step. */
export function ChecklistPanel({ runId, catalog }: { runId: string; catalog: Catalog }) {
  const { t } = useTranslation('tools');
  const lang = useLang();
  const errText = useErrorText();
  // Fetched again on `tools.checklistChanged` for this run (another window ticked a step).
  const query = useCall('tools.checklistGet', { runId }, { showsError: true });
  const run: ChecklistRun | null = query.data?.run ?? null;
  const setRun = (next: ChecklistRun) => queryClient.setQueryData(callQuery('tools.checklistGet', { runId }).queryKey, { run: next });
  const [actionError, setError] = useState<string | null>(null);
  const error = actionError ?? (query.error ? errText(query.error) : null);
  const [note, setNote] = useState('');
  const [values, setValues] = useState<ParamValues>({});
  const [confirming, setConfirming] = useState(false);
  const profiles = useSshProfiles();

  const current = run?.steps[run.currentStep] ?? null;
  const tool = current?.toolId ? (catalog.tools.find((x) => x.id === current.toolId) ?? null) : null;
  const askParams = tool ? tool.params.filter((p) => !(p.name in (current?.params ?? {}))) : [];
  useEffect(() => {
    setValues(defaults(askParams));
    setNote('');
    // Reset the form when the current step changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [run?.currentStep, tool?.id]);

  if (!run) return error ? <p className="error">{error}</p> : null;
  const done = run.steps.filter((s) => s.status === 'done' || s.status === 'skipped').length;
  const pct = Math.round((done / run.steps.length) * 100);
  const act = (p: Promise<{ run: ChecklistRun }>) =>
    p.then(
      (r) => {
        setRun(r.run);
        setError(null);
      },
      (e) => setError(errText(e)),
    );
  const runStep = (elevationConfirmed: boolean) => {
    setConfirming(false);
    const params = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''));
    act(api.call('tools.checklistRunStep', { runId, stepIndex: run.currentStep, params, elevationConfirmed }));
  };
  const lastToolRun = run.steps.filter((s) => s.toolRunId && s.index <= run.currentStep).pop()?.toolRunId ?? null;

  return (
    <section className="card checklist" data-testid="checklist-panel" data-checklist-id={run.checklistId} data-current-step={run.currentStep} aria-labelledby={`cl-${run.id}`}>
      <h3 id={`cl-${run.id}`}>{run.label[lang]}</h3>
      <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={run.steps.length} aria-valuenow={done} aria-valuetext={t('progress', { done, total: run.steps.length })} data-testid="checklist-progress">
        <div className="progress-bar" style={{ width: `${pct}%` }} />
      </div>
      <p className="muted">{t('progress', { done, total: run.steps.length })}</p>
      <ol className="checklist-steps">
        {run.steps.map((s) => (
          <li key={s.index} className={`step step-${s.status}${s.index === run.currentStep && run.status === 'active' ? ' current' : ''}`} data-testid={`step-${s.index}`} data-status={s.status} aria-current={s.index === run.currentStep ? 'step' : undefined}>
            <span className="step-label">{s.label[lang]}</span> <span className="badge">{t(`step.${s.status}`)}</span>
            {s.note && <span className="muted"> — {s.note}</span>}
          </li>
        ))}
      </ol>
      {run.status === 'completed' && <p className="ok">{t('completed')}</p>}
      {run.status === 'active' && current && current.status !== 'running' && (
        <div className="step-action">
          {current.kind === 'manual' ? (
            <form
              className="toolbar"
              onSubmit={(e) => {
                e.preventDefault();
                act(api.call('tools.checklistTick', { runId, stepIndex: run.currentStep, note }));
              }}
            >
              <input aria-label={t('note')} placeholder={t('note')} value={note} maxLength={1000} onChange={(e) => setNote(e.target.value)} data-testid="step-note" />
              <button type="submit" className="primary" data-testid="step-tick">
                {t('tick')}
              </button>
            </form>
          ) : (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                if (tool?.elevation) setConfirming(true);
                else runStep(false);
              }}
            >
              {Object.keys(current.params).length > 0 && (
                <p className="muted">
                  {t('presets', {
                    values: Object.entries(current.params)
                      .map(([k, v]) => `${k} = ${String(v)}`)
                      .join(', '),
                  })}
                </p>
              )}
              {askParams.length > 0 && <ParamForm params={askParams} values={values} onChange={setValues} idPrefix={`cl-${run.id}`} />}
              {confirming && tool ? (
                <ElevationConfirm tool={tool.label[lang]} target={run.target.kind === 'local' ? t('targetLocalInline') : (profiles.find((p) => run.target.kind === 'ssh' && p.id === run.target.profileId)?.name ?? run.target.profileId)} onConfirm={() => runStep(true)} onCancel={() => setConfirming(false)} />
              ) : (
                <button type="submit" className="primary" data-testid="step-run">
                  {current.status === 'failed' || current.status === 'interrupted' ? t('retryStep') : t('runStep')}
                </button>
              )}
            </form>
          )}
          <details className="step-skip">
            <summary>{t('skip')}</summary>
            <form
              className="toolbar"
              onSubmit={(e) => {
                e.preventDefault();
                if (note.trim()) act(api.call('tools.checklistSkip', { runId, stepIndex: run.currentStep, note: note.trim() }));
              }}
            >
              <input aria-label={t('skipNote')} placeholder={t('skipNote')} required value={note} maxLength={1000} onChange={(e) => setNote(e.target.value)} />
              <button type="submit">{t('skip')}</button>
            </form>
          </details>
        </div>
      )}
      {lastToolRun && <RunPanel key={lastToolRun} runId={lastToolRun} />}
      <Notice error={error} testId="checklist-error" />
      {run.status === 'active' && (
        <button type="button" className="danger abandon" onClick={() => act(api.call('tools.checklistAbandon', { runId }))}>
          {t('abandon')}
        </button>
      )}
    </section>
  );
}
