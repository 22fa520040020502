import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RANSOMWARE_CHECKLISTS, formatRemaining } from '../../../src/domain/incidents';
import { api } from '../../api/client';
import { useCall } from '../../api/queries';
import { errorText, Notice } from '../../components/Notice';
import { downloadBase64 } from '../tools/download';
import { TargetPicker, useCatalog, type ToolTarget } from '../tools/shared';
import { useDurationText } from './shared';
import { useIncident } from './useIncident';
import './incidents.css';


/** The ticket's incident: state, containment, ransomware first response, breach clock, evidence, export. */
export function IncidentPanel({ ticketId, assetIds }: { ticketId: string; assetIds: string[] }) {
  const { t, i18n } = useTranslation('incidents');
  const lang = i18n.language === 'en' ? 'en' : 'fr';
  const { detail, reload } = useIncident(ticketId);
  const duration = useDurationText();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const config = useCall('incidents.config', undefined).data ?? null;
  // The breach clock's remaining time is redrawn every 30 s.
  const [, tick] = useState(0);
  useEffect(() => {
    const id = setInterval(() => tick((n) => n + 1), 30_000);
    return () => clearInterval(id);
  }, []);
  if (!detail) return null;
  const act = (p: Promise<unknown>, ok?: string) =>
    p.then(
      () => {
        setMessage(ok ? { ok: true, text: ok } : null);
        reload();
      },
      (e) => setMessage({ ok: false, text: errorText(e, lang) }),
    );
  const inc = detail.incident;

  if (!inc) {
    return (
      <section className="card incident-panel" aria-labelledby="incident-title" data-testid="incident-panel">
        <h2 id="incident-title">{t('panel.title')}</h2>
        <p className="muted">{detail.isSecurity ? t('panel.syncedOnly') : t('panel.notIncident')}</p>
        <div className="toolbar">
          <label htmlFor="mark-category">{t('panel.markAs')}</label>
          <select id="mark-category" defaultValue="" onChange={(e) => e.target.value && act(api.call('incidents.mark', { ticketId, categoryKey: e.target.value }))} data-testid="incident-mark">
            <option value="">—</option>
            {config?.categories.map((c) => (
              <option key={c.key} value={c.key}>
                {c.label[lang]}
              </option>
            ))}
          </select>
        </div>
        {message && <p className={message.ok ? 'ok' : 'error'}>{message.text}</p>}
      </section>
    );
  }

  const exportAs = (format: 'json' | 'pdf') =>
    api.call('incidents.export', { ticketId, format }).then(
      (f) => {
        downloadBase64(f.name, f.mime, f.base64);
        setMessage({ ok: true, text: t('panel.exported', { name: f.name }) });
      },
      (e) => setMessage({ ok: false, text: errorText(e, lang) }),
    );

  return (
    <section className="card incident-panel" aria-labelledby="incident-title" data-testid="incident-panel">
      <h2 id="incident-title">{t('panel.title')}</h2>
      <dl>
        <dt>{t('col.state')}</dt>
        <dd data-testid="incident-state">{t(`state.${inc.state}`)}</dd>
        <dt>{t('col.containment')}</dt>
        <dd data-testid="incident-containment">{duration(inc.timeToContainmentMs)}</dd>
        {detail.campaign && (
          <>
            <dt>{t('campaign.title')}</dt>
            <dd>{t('campaign.headline', { count: detail.campaign.count, time: new Date(detail.campaign.firstAt).toLocaleTimeString(lang === 'en' ? 'en-GB' : 'fr-FR', { hour: '2-digit', minute: '2-digit' }) })}</dd>
          </>
        )}
      </dl>
      {inc.categoryKey === 'ransomware' && <FirstResponse ticketId={ticketId} assetIds={assetIds} />}
      <label className="check">
        <input type="checkbox" checked={inc.breachSuspectedAt !== null} onChange={(e) => act(api.call('incidents.setBreach', { ticketId, suspected: e.target.checked }))} data-testid="incident-breach" /> {t('panel.breach')}
      </label>
      {detail.breach && (
        <p className={`breach-clock${detail.breach.overdue ? ' overdue' : ''}`} data-testid="breach-clock">
          {detail.breach.overdue
            ? t('panel.breachOverdue', { late: formatRemaining(Date.now() - Date.parse(detail.breach.deadline)) })
            : t('panel.breachLeft', { left: formatRemaining(Date.parse(detail.breach.deadline) - Date.now()), deadline: new Date(detail.breach.deadline).toLocaleString(lang === 'en' ? 'en-GB' : 'fr-FR', { dateStyle: 'short', timeStyle: 'short' }) })}
        </p>
      )}
      <h3>{t('panel.evidence', { count: detail.evidence.length })}</h3>
      <ul className="evidence-list" data-testid="evidence-list">
        {detail.evidence.map((e) => (
          <li key={e.id} data-testid="evidence-item">
            {e.label} — {e.bytes} o
            <br />
            <code title="SHA-256">{e.sha256}</code>{' '}
            <button type="button" className="link" onClick={() => void api.call('incidents.evidenceContent', { id: e.id }).then((f) => downloadBase64(f.name, f.mime, f.base64))}>
              {t('panel.download')}
            </button>
          </li>
        ))}
      </ul>
      <div className="toolbar">
        <button type="button" onClick={() => void exportAs('json')} data-testid="incident-export-json">
          {t('panel.exportJson')}
        </button>
        <button type="button" onClick={() => void exportAs('pdf')} data-testid="incident-export-pdf">
          {t('panel.exportPdf')}
        </button>
      </div>
      <Notice tone={message?.ok ? 'success' : 'error'}>{message?.text}</Notice>
    </section>
  );
}

/** Starts the ransomware first-response checklist of the PC's OS; it then shows with the ticket's checklists. */
function FirstResponse({ ticketId, assetIds }: { ticketId: string; assetIds: string[] }) {
  const { t, i18n } = useTranslation('incidents');
  const { catalog } = useCatalog();
  const [os, setOs] = useState<'windows' | 'linux'>('windows');
  const [target, setTarget] = useState<ToolTarget | null>(null);
  const [started, setStarted] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.call('tools.checklistList', { ticketId, activeOnly: false }).then((r) => setStarted(r.runs.some((x) => Object.values(RANSOMWARE_CHECKLISTS).includes(x.checklistId as never))), (err) => setError(errorText(err, i18n.language)));
  }, [ticketId, i18n.language]);
  if (started || !catalog) return null;
  return (
    <form
      className="first-response"
      onSubmit={(e) => {
        e.preventDefault();
        if (!target) return;
        api.call('tools.checklistStart', { checklistId: RANSOMWARE_CHECKLISTS[os], target, ticketId }).then(
          () => setStarted(true),
          (err) => setError(errorText(err, i18n.language)),
        );
      }}
    >
      <h3>{t('firstResponse.title')}</h3>
      <label className="field">
        <span>{t('firstResponse.os')}</span>
        <select value={os} onChange={(e) => setOs(e.target.value as 'windows' | 'linux')} data-testid="first-response-os">
          <option value="windows">Windows</option>
          <option value="linux">Linux</option>
        </select>
      </label>
      <TargetPicker os={os} localOs={catalog.localOs} value={target} onChange={setTarget} id="first-response-target" preferAssets={assetIds} />
      <button type="submit" className="primary" disabled={!target} data-testid="first-response-start">
        {t('firstResponse.start')}
      </button>
      <Notice error={error} />
    </form>
  );
}
