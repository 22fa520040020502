import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { ticketQuery, useCall } from '../../api/queries';
import { Notice } from '../../components/Notice';
import { ChecklistPanel, ChecklistStarter } from './ChecklistPanel';
import { ToolLauncher } from './ToolLauncher';
import { downloadBase64 } from './download';
import { RunPanel, useActiveChecklists, useCatalog, useErrorText, useLang, type TicketPc } from './shared';
import type { CallOutput } from '../../../src/api/contract';

type ToolRunSummary = CallOutput<'tools.runs'>['runs'][number];
const noPcs: TicketPc[] = [];
import './tools.css';

/** Run a configuration tool or a checklist from a ticket, and export its intervention report. */
export function TicketToolActions({ ticketId }: { ticketId: string }) {
  const { t } = useTranslation('tools');
  const lang = useLang();
  const errText = useErrorText();
  const { catalog, error: catalogError } = useCatalog();
  const { runs: active, started, error: activeError } = useActiveChecklists(ticketId);
  const [audience, setAudience] = useState<'agent' | 'manager'>('agent');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  // The ticket's PCs from the ticket page's own cached answer (one request for both).
  const ticket = useQuery({ ...ticketQuery(ticketId), meta: { showsError: true } });
  const assets: TicketPc[] = ticket.data?.assets ?? noPcs;
  // Runs of this ticket, fetched again when one finishes (`tools.finished`).
  const runs = useCall('tools.runs', { ticketId, limit: 10 }, { showsError: true });
  const recent: ToolRunSummary[] = runs.data?.runs ?? [];
  const readError = ticket.error ?? activeError ?? runs.error;

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
      <Notice error={readError} />
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
            <ChecklistStarter catalog={catalog} ticketId={ticketId} ticketPcs={assets} onStarted={started} />
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
