import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallOutput } from '../../../src/api/contract';
import { api } from '../../api/client';
import { queryClient, ticketQuery, useTicketDetail } from '../../api/queries';
import { Notice } from '../../components/Notice';
import { navigate, routeHref } from '../../app/router';
import { typingInField, useScreenShortcuts } from '../../app/ShortcutHelp';
import { newDraftId } from '../call-log/DraftChooser';
import { TicketEditor, RequesterFix } from './TicketEditor';
import { ParentLink } from './ParentLink';
import { TicketRemoteActions } from '../remote/TicketRemoteActions';
import { TicketToolActions } from '../tools/TicketToolActions';
import { TicketSyncBanner } from '../sync/TicketSyncBanner';
import { TicketSecurityBanner } from '../incidents/SecurityBanner';
import { IncidentPanel } from '../incidents/IncidentPanel';
import { formatDateTime, useTicketMeta } from './ticket-meta';
import { TicketActions } from './TicketActions';
import { Timeline } from './Timeline';
import { Revealed } from '../../components/Revealed';
import './ticket.css';
import { TicketOrgFields } from '../organisation/TicketOrgFields';
import { TicketLoans } from '../loans/TicketLoans';

export type TicketDetail = CallOutput<'tickets.get'>;

/** One ticket: what it is, who asked, its SLA, the actions on it and its timeline. */
export function TicketPage({ id }: { id: string }) {
  const { t, i18n } = useTranslation('hotline');
  const meta = useTicketMeta();
  // Keyed by id: after a switch only this ticket's answer is shown, however late the
  // previous one arrives. Live: `tickets.changed` (another window, sync, a remote session)
  // makes it stale and it is fetched again (api/queries.ts).
  const query = useTicketDetail(id);
  const detail = query.data ?? null;
  const error = query.error;
  const reload = () => void queryClient.invalidateQueries({ queryKey: ticketQuery(id).queryKey });
  const setDetail = (d: TicketDetail) => queryClient.setQueryData(ticketQuery(id).queryKey, d);
  const [panel, setPanel] = useState<null | 'edit' | 'requester' | 'parent'>(null);
  const pageRef = useRef<HTMLElement>(null);
  const focused = useRef(false);
  // Once the ticket is shown, focus lands on its first action.
  useEffect(() => {
    if (!detail || focused.current) return;
    focused.current = true;
    // A button, not a text field, so one-letter shortcuts work at once.
    const first = pageRef.current?.querySelector<HTMLElement>('[data-testid="take-charge"]:not(:disabled)') ?? pageRef.current?.querySelector<HTMLElement>('[data-testid="ticket-edit"]');
    first?.focus();
  }, [detail]);

  const shortcutList = [
    { keys: 'S', label: t('keys.followup') },
    { keys: 'P', label: t('keys.takeCharge') },
    { keys: 'T', label: t('keys.status') },
    { keys: 'R', label: t('keys.resolve') },
    { keys: 'E', label: t('keys.edit') },
    { keys: 'D', label: t('keys.requester') },
    { keys: 'N', label: t('keys.newCallFor') },
    { keys: 'I', label: t('keys.parent') },
    { keys: 'Échap', label: t('keys.back') },
  ];
  useScreenShortcuts(shortcutList);
  useEffect(() => {
    const on = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.altKey || e.metaKey || e.defaultPrevented) return;
      if (e.key === 'Escape') {
        // A first Escape leaves a text field (what was typed stays), the next one goes back.
        if (panel) setPanel(null);
        else if (typingInField(e)) (e.target as HTMLElement).blur();
        else navigate({ page: 'queue' });
        e.preventDefault();
        return;
      }
      if (typingInField(e) || panel) return;
      const q = (testId: string) => pageRef.current?.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
      const k = e.key.toLowerCase();
      if (k === 's') q('followup-body')?.focus();
      else if (k === 'p') q('take-charge')?.click();
      else if (k === 't') q('status-select')?.focus();
      else if (k === 'r') q('solution-body')?.focus();
      else if (k === 'e') setPanel('edit');
      else if (k === 'd') setPanel('requester');
      else if (k === 'i' && detail && !detail.parent && detail.children.length === 0) setPanel('parent');
      else if (k === 'n' && detail) void newCallFor(detail);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', on);
    return () => window.removeEventListener('keydown', on);
  });
  const closePanel = (saved: boolean) => {
    setPanel(null);
    if (saved) reload();
    pageRef.current?.querySelector<HTMLElement>('[data-testid="ticket-edit"]')?.focus();
  };

  if (!detail) {
    return (
      <section className="page" aria-labelledby="page-title">
        <h1 id="page-title">{t('ticket.loading')}</h1>
        <Notice error={error} />
        <a href={routeHref({ page: 'queue' })}>{t('ticket.back')}</a>
      </section>
    );
  }
  const tk = detail.ticket;
  const dt = (iso: string | null) => (iso ? formatDateTime(iso, i18n.language) : '—');

  return (
    <section className="page ticket-page" aria-labelledby="page-title" data-testid="ticket-page" ref={pageRef}>
      <a href={routeHref({ page: 'queue' })} className="back-link">
        ← {t('ticket.back')}
      </a>
      <TicketSecurityBanner ticketId={tk.id} />
      <TicketSyncBanner ticketId={tk.id} />
      <header className="ticket-header">
        <h1 id="page-title">
          <span className="muted">{t('ticket.title', { number: tk.number })}</span> <Revealed text={tk.subject} />
        </h1>
        <div className="ticket-badges">
          <span className={`badge status s${tk.status}`} data-testid="ticket-status">
            {t(`status.${tk.status}`)}
          </span>
          <span className={`badge priority p${tk.priority}`}>
            {t('ticket.priorityBadge', { level: t(`level.${tk.priority}`) })}
          </span>
          <span className="badge">{t(`type.${tk.type}`)}</span>
          {tk.slaBreached && <span className="badge late-badge">{t('ticket.late')}</span>}
        </div>
      </header>
      <Notice error={error} />
      <div className="ticket-layout">
        <div className="ticket-main">
          <dl className="card ticket-facts">
            <dt>{t('field.requester')}</dt>
            <dd data-testid="ticket-requester">
              {tk.requesterName || '—'}
              {tk.requesterPhone && ` · ${tk.requesterPhone}`}
              {detail.requester ? ` · ${detail.requester.department}` : tk.requesterName ? ` (${t('ticket.requesterUnknown')})` : ''}
            </dd>
            <TicketOrgFields ticket={tk} />
            {detail.parent && (
              <>
                <dt>{t('link.parent')}</dt>
                <dd data-testid="ticket-parent">
                  <a href={routeHref({ page: 'ticket', id: detail.parent.id })}>{t('link.ref', { number: detail.parent.number, subject: detail.parent.subject })}</a>{' '}
                  <span className="muted">{t(`statusShort.${detail.parent.status}`)}</span>
                </dd>
              </>
            )}
            {detail.children.length > 0 && (
              <>
                <dt>{t('link.children', { count: detail.children.length })}</dt>
                <dd data-testid="ticket-children">
                  <ul className="ticket-children">
                    {detail.children.map((c) => (
                      <li key={c.id}>
                        <a href={routeHref({ page: 'ticket', id: c.id })}>{t('link.ref', { number: c.number, subject: c.subject })}</a> <span className="muted">{c.requesterName} · {t(`statusShort.${c.status}`)}</span>
                      </li>
                    ))}
                  </ul>
                </dd>
              </>
            )}
            <dt>{t('ticket.linked')}</dt>
            <dd data-testid="ticket-assets">{detail.assets.map((a) => `${a.name}${a.ip ? ` (${a.ip})` : ''}`).join(', ') || '—'}</dd>
            <dt>{t('field.category')}</dt>
            <dd>{tk.categoryName ?? '—'}</dd>
            <dt>{t('field.team')}</dt>
            <dd data-testid="ticket-team">{tk.teamName ?? '—'}</dd>
            <dt>{t('field.technician')}</dt>
            <dd data-testid="ticket-technician">{tk.technician ?? '—'}</dd>
            <dt>{t('field.urgency')} / {t('field.impact')}</dt>
            <dd>
              {t(`level.${tk.urgency}`)} / {t(`level.${tk.impact}`)}
            </dd>
            <dt>{t('ticket.ttoDue')}</dt>
            <dd>{dt(tk.ttoDue)}</dd>
            <dt>{t('ticket.ttrDue')}</dt>
            <dd>{dt(tk.ttrDue)}</dd>
          </dl>
          <div className="toolbar">
            <button type="button" onClick={() => setPanel('edit')} data-testid="ticket-edit">
              {t('edit.open')} <kbd aria-hidden="true">E</kbd>
            </button>
            <button type="button" onClick={() => setPanel('requester')} data-testid="ticket-requester-fix">
              {t('edit.requesterOpen')} <kbd aria-hidden="true">D</kbd>
            </button>
            <button type="button" onClick={() => void newCallFor(detail)} data-testid="ticket-new-call">
              {t('edit.newCallFor')} <kbd aria-hidden="true">N</kbd>
            </button>
            {!detail.parent && detail.children.length === 0 && (
              <button type="button" onClick={() => setPanel('parent')} data-testid="ticket-link-parent">
                {t('link.open')} <kbd aria-hidden="true">I</kbd>
              </button>
            )}
          </div>
          {panel === 'edit' && <TicketEditor ticket={tk} assets={detail.assets} meta={meta} onClose={closePanel} />}
          {panel === 'requester' && <RequesterFix ticket={tk} requester={detail.requester} onClose={closePanel} />}
          {panel === 'parent' && <ParentLink ticket={tk} onClose={closePanel} />}
          {tk.description && <p className="card ticket-description"><Revealed text={tk.description} /></p>}
          <Timeline entries={detail.timeline} />
        </div>
        <aside className="ticket-side" aria-label={t('ticket.actions')}>
          <TicketLoans ticketId={tk.id} categoryName={tk.categoryName} requesterName={tk.requesterName} />
          <IncidentPanel ticketId={tk.id} assetIds={tk.assetIds} />
          <TicketRemoteActions ticketId={tk.id} />
          <TicketToolActions ticketId={tk.id} />
          <TicketActions ticket={tk} meta={meta} onDone={setDetail} />
        </aside>
      </div>
    </section>
  );
}

/** "Nouvel appel pour ce demandeur": a new call draft with the ticket's requester already chosen. */
async function newCallFor(detail: TicketDetail): Promise<void> {
  const id = newDraftId();
  const requester = detail.requester
    ? { kind: 'directory' as const, hit: { person: detail.requester, asset: null, personAssets: detail.assets } }
    : { kind: 'free' as const, name: detail.ticket.requesterName, phone: detail.ticket.requesterPhone };
  await api.call('drafts.save', { id, startedAt: new Date().toISOString(), form: { requester } });
  navigate({ page: 'call', id });
}
