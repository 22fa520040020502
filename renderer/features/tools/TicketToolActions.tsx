import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { Notice } from '../../components/Notice';
import { ChecklistPanel, ChecklistStarter } from './ChecklistPanel';
import { ToolLauncher } from './ToolLauncher';
import { downloadBase64 } from './download';
import { RunPanel, useCatalog, useErrorText, useLang, type ChecklistRun, type TicketPc } from './shared';
import type { CallOutput } from '../../../src/api/contract';

type ToolRunSummary = CallOutput<'tools.runs'>['runs'][number];
import './tools.css';

/** Run a configuration tool or a checklist from a ticket, and export its intervention report. */
export function TicketToolActions({ ticketId }: { ticketId: string }) {
  const { t } = useTranslation('tools');
  const lang = useLang();
  const errText = useErrorText();
  const { catalog, error: catalogError } = useCatalog();
  const [active, setActive] = useState<ChecklistRun[]>([]);
  const [audience, setAudience] = useState<'agent' | 'manager'>('agent');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const failed = useCallback((err: unknown) => setMessage({ ok: false, text: errText(err) }), [errText]);

  const [assets, setAssets] = useState<TicketPc[]>([]);
  useEffect(() => {
    api.call('tickets.get', { id: ticketId }).then((d) => setAssets(d.assets), failed);
  }, [ticketId, failed]);

  const loadActive = useCallback(() => {
    api.call('tools.checklistList', { ticketId, activeOnly: true }).then((r) => setActive(r.runs), failed);
  }, [ticketId, failed]);
  useEffect(loadActive, [loadActive]);
  // A checklist started for this ticket elsewhere (another window) shows up here too.
  useEffect(() => api.on('tools.checklistChanged', (p) => p.run.ticketId === ticketId && !active.some((r) => r.id === p.run.id) && p.run.status === 'active' && loadActive()), [ticketId, active, loadActive]);

  const [recent, setRecent] = useState<ToolRunSummary[]>([]);
  const loadRecent = useCallback(() => {
    api.call('tools.runs', { ticketId, limit: 10 }).then((r) => setRecent(r.runs), failed);
  }, [ticketId, failed]);
  useEffect(loadRecent, [loadRecent]);
  useEffect(() => api.on('tools.finished', (p) => p.run.ticketId === ticketId && loadRecent()), [ticketId, loadRecent]);

  const exportReport = async () => {
    setMessage(null);
    try {
      const pdf = await api.call('tools.report', { ticketId, audience, locale: lang });
      downloadBase64(pdf.name, pdf.mime, pdf.base64);
      setMessage({ ok: true, text: t('reportDone', { name: pdf.name }) });
    } catch (e) {
      setMessage({ ok: false, text: errText(e) });
    }
  };

  return (
    <section className="card ticket-tools" aria-labelledby="ticket-tools-title" data-testid="ticket-tools">
      <h2 id="ticket-tools-title">{t('ticketTitle')}</h2>
      {catalogError && <p className="error">{catalogError}</p>}
      {catalog && (
        <>
          {active.map((r) => (
            <ChecklistPanel key={r.id} runId={r.id} catalog={catalog} />
          ))}
          <details data-testid="ticket-launch-tool">
            <summary>{t('launchTool')}</summary>
            <ToolLauncher catalog={catalog} ticketId={ticketId} ticketPcs={assets} />
          </details>
          <details data-testid="ticket-launch-checklist">
            <summary>{t('launchChecklist')}</summary>
            <ChecklistStarter catalog={catalog} ticketId={ticketId} ticketPcs={assets} onStarted={(r) => setActive((a) => [r, ...a.filter((x) => x.id !== r.id)])} />
          </details>
        </>
      )}
      {recent.length > 0 && (
        <details className="recent-runs" data-testid="recent-runs">
          <summary>{t('recentRuns')}</summary>
          <ul>
            {recent.map((r) => (
              <li key={r.id}>
                <details>
                  <summary>
                    {r.toolLabel[lang]} — <span className={`badge run-${r.status}`}>{t(`status.${r.status}`)}</span>{' '}
                    <time className="muted" dateTime={r.startedAt}>
                      {new Date(r.startedAt).toLocaleString(lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'short', timeStyle: 'short' })}
                    </time>
                  </summary>
                  <RunPanel runId={r.id} />
                </details>
              </li>
            ))}
          </ul>
        </details>
      )}
      <div className="report-export">
        <h3>{t('report')}</h3>
        <div className="toolbar">
          <label htmlFor="report-audience">{t('reportFor')}</label>
          <select id="report-audience" value={audience} onChange={(e) => setAudience(e.target.value as 'agent' | 'manager')} data-testid="report-audience">
            <option value="agent">{t('reportAgent')}</option>
            <option value="manager">{t('reportManager')}</option>
          </select>
          <button type="button" onClick={() => void exportReport()} data-testid="report-export">
            {t('reportExport')}
          </button>
        </div>
        <Notice tone={message?.ok ? 'success' : 'error'}>{message?.text}</Notice>
      </div>
    </section>
  );
}
