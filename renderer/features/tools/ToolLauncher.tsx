import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { ElevationConfirm, ParamForm, RunPanel, TargetPicker, defaults, useErrorText, useLang, useSshProfiles, type Catalog, type ParamValues, type TicketPc, type ToolSummary, type ToolTarget } from './shared';
import { Notice } from '../../components/Notice';

/** Pick a tool, fill its generated form, choose the PC, run it and follow its output. */
export function ToolLauncher({ catalog, ticketId, initialToolId, ticketPcs }: { catalog: Catalog; ticketId?: string; initialToolId?: string; ticketPcs?: TicketPc[] }) {
  const { t } = useTranslation('tools');
  const lang = useLang();
  const errText = useErrorText();
  const profiles = useSshProfiles();
  const [toolId, setToolId] = useState(initialToolId ?? '');
  const tool = catalog.tools.find((x) => x.id === toolId) ?? null;
  const [values, setValues] = useState<ParamValues>(tool ? defaults(tool.params) : {});
  const [target, setTarget] = useState<ToolTarget | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [runId, setRunId] = useState<string | null>(null);

  const choose = (id: string) => {
    setToolId(id);
    const next = catalog.tools.find((x) => x.id === id);
    setValues(next ? defaults(next.params) : {});
    setError(null);
  };
  const targetLabel = (tg: ToolTarget | null) => (!tg ? '' : tg.kind === 'local' ? t('targetLocalInline') : (profiles.find((p) => p.id === tg.profileId)?.name ?? tg.profileId));

  const run = async (elevationConfirmed: boolean) => {
    if (!tool || !target) return;
    setConfirming(false);
    setBusy(true);
    setError(null);
    try {
      // Empty optional fields are left out; the core validates every value by its type.
      const params = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''));
      const res = await api.call('tools.run', { toolId: tool.id, params, target, ticketId, elevationConfirmed });
      setRunId(res.run.id);
    } catch (e) {
      setError(errText(e));
    } finally {
      setBusy(false);
    }
  };

  const byOs = (os: ToolSummary['os']) => catalog.tools.filter((x) => x.os === os);
  return (
    <div className="tool-launcher">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (tool?.elevation) setConfirming(true);
          else void run(false);
        }}
      >
        <label className="field" htmlFor="tool-select">
          <span>{t('tool')}</span>
          <select id="tool-select" data-testid="tool-select" value={toolId} onChange={(e) => choose(e.target.value)}>
            <option value="">{t('chooseTool')}</option>
            {(['windows', 'linux'] as const).map((os) => (
              <optgroup key={os} label={t(`os.${os}`)}>
                {byOs(os).map((x) => (
                  <option key={x.id} value={x.id}>
                    {x.label[lang]}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </label>
        {tool && (
          <>
            <p className="muted tool-help">
              {tool.help[lang]} {t('expected', { seconds: tool.expectedSeconds })}
              {tool.elevation && <span className="badge danger">{t('needsElevation')}</span>}
            </p>
            <ParamForm params={tool.params} values={values} onChange={setValues} idPrefix={`p-${tool.id}`} />
            <TargetPicker os={tool.os} localOs={catalog.localOs} value={target} onChange={setTarget} id={`target-${tool.id}`} ticketPcs={ticketPcs} ticketId={ticketId} />
            {confirming ? (
              <ElevationConfirm tool={tool.label[lang]} target={targetLabel(target)} onConfirm={() => void run(true)} onCancel={() => setConfirming(false)} />
            ) : (
              <button type="submit" className="primary" disabled={busy || !target} data-testid="tool-run">
                {busy ? t('running') : t('run')}
              </button>
            )}
          </>
        )}
        <Notice error={error} testId="tool-error" />
      </form>
      {runId && <RunPanel key={runId} runId={runId} />}
    </div>
  );
}
