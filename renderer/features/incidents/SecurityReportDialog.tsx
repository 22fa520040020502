import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallOutput } from '../../../src/api/contract';
import { api } from '../../api/client';
import { useCall } from '../../api/queries';
import { routeHref } from '../../app/router';
import { errorText } from '../ticket/ticket-meta';
import { timeOf, type CallFields } from './shared';
import './incidents.css';
import { Notice } from '../../components/Notice';

type Campaign = CallOutput<'incidents.campaigns'>['campaigns'][number];
const noCampaigns: Campaign[] = [];
type Done = { ticketId: string; number: number; answer?: string; campaign?: Campaign | null };

/** The shortcut shown on the call form's button. */
export const SECURITY_SHORTCUT = { key: 'S', ctrl: true, shift: true } as const;
const CAMPAIGN_KEYS = 'abcdefgh';

/**
 * "Signalement sécurité": the call becomes a security incident in two keystrokes. A digit
 * picks the category (maximum priority, security team, red banner); a letter matches an
 * ongoing phishing campaign and shows the prepared answer. Phishing asks for the pasted
 * e-mail (shown as text, links defanged, never clickable). Escape goes back untouched.
 */
export function SecurityReportDialog({ call, onDone, onCancel }: { call: CallFields; onDone(d: Done): void; onCancel(): void }) {
  const { t, i18n } = useTranslation('incidents');
  const lang = i18n.language === 'en' ? 'en' : 'fr';
  const configQuery = useCall('incidents.config', undefined, { showsError: true });
  const campaignsQuery = useCall('incidents.campaigns', { ongoingOnly: true }, { showsError: true });
  const config = configQuery.data ?? null;
  const campaigns = campaignsQuery.data?.campaigns ?? noCampaigns;
  const answer = campaignsQuery.data?.answer ?? null;
  const [phishing, setPhishing] = useState(false);
  const [paste, setPaste] = useState({ sender: '', subject: '', text: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<Done | null>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  const senderRef = useRef<HTMLInputElement>(null);

  useEffect(() => boxRef.current?.focus(), []);
  useEffect(() => {
    if (phishing) senderRef.current?.focus();
  }, [phishing]);

  const run = async (p: Promise<Done>) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const d = await p;
      setDone(d);
      boxRef.current?.focus();
    } catch (e) {
      setError(errorText(e, lang));
    } finally {
      setBusy(false);
    }
  };
  const report = (categoryKey: string) => {
    if (categoryKey === 'phishing') return setPhishing(true);
    void run(api.call('incidents.report', { categoryKey, call }).then((r) => ({ ticketId: r.ticket.id, number: r.ticket.number })));
  };
  const join = (c: Campaign) =>
    void run(api.call('incidents.joinCampaign', { campaignId: c.id, call }).then((r) => ({ ticketId: r.ticket.id, number: r.ticket.number, answer: r.answer[lang], campaign: r.campaign })));
  const sendPhishing = () =>
    void run(api.call('incidents.reportPhishing', { paste, call }).then((r) => ({ ticketId: r.ticket.id, number: r.ticket.number, campaign: r.campaign, answer: r.campaign && answer ? answer[lang] : undefined })));

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      return done ? onDone(done) : phishing ? setPhishing(false) : onCancel();
    }
    if (done) {
      if (e.key === 'Enter' && (e.target as HTMLElement).tagName !== 'A') {
        e.preventDefault();
        onDone(done);
      }
      return;
    }
    if (phishing) {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        e.stopPropagation();
        sendPhishing();
      }
      return;
    }
    const target = e.target as HTMLElement;
    if (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || e.ctrlKey || e.altKey || e.metaKey) return;
    const cat = /^[1-9]$/.test(e.key) ? config?.categories[Number(e.key) - 1] : undefined;
    const camp = CAMPAIGN_KEYS.indexOf(e.key.toLowerCase());
    if (cat) report(cat.key);
    else if (camp >= 0 && campaigns[camp]) join(campaigns[camp]!);
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  return (
    <div ref={boxRef} tabIndex={-1} className="security-dialog card" role="dialog" aria-modal="true" aria-labelledby="security-title" onKeyDown={onKeyDown} data-testid="security-dialog">
      <h2 id="security-title">{t('dialog.title')}</h2>
      {done ? (
        <div role="status" data-testid="security-done">
          <p className="ok">
            {t('dialog.done', { number: done.number })} <a href={routeHref({ page: 'ticket', id: done.ticketId })}>{t('dialog.open', { number: done.number })}</a>
          </p>
          {done.campaign && <p data-testid="security-campaign">{t('campaign.headline', { count: done.campaign.count, time: timeOf(done.campaign.firstAt, lang) })}</p>}
          {done.answer && (
            <p className="prepared-answer" data-testid="prepared-answer">
              <strong>{t('campaign.answer')}</strong> {done.answer}
            </p>
          )}
          <button type="button" className="primary" onClick={() => onDone(done)} data-testid="security-close">
            {t('dialog.close')} <kbd aria-hidden="true">{t('keyEnter')}</kbd>
          </button>
        </div>
      ) : phishing ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            sendPhishing();
          }}
        >
          <p className="muted">{t('phishing.hint')}</p>
          <label className="field">
            <span>{t('phishing.sender')}</span>
            <input ref={senderRef} maxLength={998} value={paste.sender} onChange={(e) => setPaste({ ...paste, sender: e.target.value })} data-testid="phishing-sender" />
          </label>
          <label className="field">
            <span>{t('phishing.subject')}</span>
            <input maxLength={998} value={paste.subject} onChange={(e) => setPaste({ ...paste, subject: e.target.value })} data-testid="phishing-subject" />
          </label>
          <label className="field">
            <span>{t('phishing.text')}</span>
            <textarea rows={6} maxLength={512 * 1024} value={paste.text} onChange={(e) => setPaste({ ...paste, text: e.target.value })} data-testid="phishing-text" />
          </label>
          <button type="submit" className="primary" disabled={busy} data-testid="phishing-save">
            {t('phishing.save')} <kbd aria-hidden="true">{t('keyCtrlEnter')}</kbd>
          </button>
        </form>
      ) : (
        <>
          {campaigns.length > 0 && (
            <section aria-label={t('campaign.title')}>
              <ul className="security-choices" style={{ gridTemplateColumns: '1fr' }}>
                {campaigns.slice(0, CAMPAIGN_KEYS.length).map((c, i) => (
                  <li key={c.id}>
                    <button type="button" className="campaign-choice" onClick={() => join(c)} disabled={busy} data-testid="campaign-choice">
                      <kbd aria-hidden="true">{CAMPAIGN_KEYS[i]!.toUpperCase()}</kbd> {t('campaign.headline', { count: c.count, time: timeOf(c.firstAt, lang) })} — « {c.subject} »
                      {c.senderDomain && <span className="muted"> ({c.senderDomain.replace(/\./g, '[.]')})</span>}
                    </button>
                  </li>
                ))}
              </ul>
            </section>
          )}
          <p className="muted">{t('dialog.hint')}</p>
          <ul className="security-choices">
            {config?.categories.map((c, i) => (
              <li key={c.key}>
                <button type="button" onClick={() => report(c.key)} disabled={busy} data-testid={`security-category-${c.key}`}>
                  <kbd aria-hidden="true">{i + 1}</kbd> {c.label[lang]}
                </button>
              </li>
            ))}
          </ul>
          {config && <p className="muted">{t('dialog.routing', { team: config.team })}</p>}
        </>
      )}
      <Notice error={error ?? configQuery.error ?? campaignsQuery.error} testId="security-error" />
    </div>
  );
}
