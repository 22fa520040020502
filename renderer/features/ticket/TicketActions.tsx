import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Ticket, TicketStatus } from '../../../src/domain/tickets';
import { api } from '../../api/client';
import { errorText, type TicketMeta } from './ticket-meta';
import type { TicketDetail } from './TicketPage';
import { Notice } from '../../components/Notice';

/**
 * The technician's actions: take charge, follow-up, status, routing, resolution. Each
 * waits for the core's durable commit, then shows the refreshed ticket; a failure keeps
 * what was typed.
 */
export function TicketActions({ ticket, meta, onDone }: { ticket: Ticket; meta: TicketMeta | null; onDone(d: TicketDetail): void }) {
  const { t, i18n } = useTranslation('hotline');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [isPrivate, setPrivate] = useState(false);
  const [status, setStatus] = useState<TicketStatus>(ticket.status === 5 ? 6 : ticket.status);
  const [teamId, setTeamId] = useState(ticket.teamId ?? '');
  const [technician, setTechnician] = useState(ticket.technician ?? '');
  const [solution, setSolution] = useState('');
  const [waitReason, setWaitReason] = useState('');
  const [remindAt, setRemindAt] = useState(() => defaultReminder());
  // When the ticket changes (here or elsewhere), the pickers follow it; drafts are kept.
  const [seenVersion, setSeenVersion] = useState(ticket.version);
  // "Suivi privé" is a choice for one ticket: it never carries over to the next one.
  const [seenTicket, setSeenTicket] = useState(ticket.id);
  if (seenTicket !== ticket.id) {
    setSeenTicket(ticket.id);
    setPrivate(false);
  }
  if (seenVersion !== ticket.version) {
    setSeenVersion(ticket.version);
    setStatus(ticket.status === 5 ? 6 : ticket.status);
    setTeamId(ticket.teamId ?? '');
    setTechnician(ticket.technician ?? '');
  }

  const run = async (fn: () => Promise<unknown>, after?: () => void) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await fn();
      after?.();
      onDone(await api.call('tickets.get', { id: ticket.id }));
    } catch (err) {
      setError(errorText(err, i18n.language));
    } finally {
      setBusy(false);
    }
  };
  const addNote = () => note.trim() && run(() => api.call('tickets.addFollowup', { id: ticket.id, body: note, private: isPrivate }), () => setNote(''));

  return (
    <div className="ticket-actions">
      <Notice error={error} testId="ticket-error" />
      <div className="card">
        <button type="button" className="primary" disabled={busy || ticket.technician === meta?.currentUser} onClick={() => void run(() => api.call('tickets.takeCharge', { id: ticket.id }))} data-testid="take-charge">
          {t('ticket.takeCharge')}
        </button>
      </div>

      <form className="card" onSubmit={(e) => { e.preventDefault(); void addNote(); }}>
        <label className="field">
          <span>{t('ticket.followup')}</span>
          <textarea
            data-testid="followup-body"
            rows={3}
            maxLength={20000}
            value={note}
            aria-describedby="followup-hint"
            onChange={(e) => setNote(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && e.ctrlKey) {
                e.preventDefault();
                void addNote();
              }
            }}
          />
        </label>
        <small id="followup-hint" className="muted">{t('ticket.followupHint')}</small>
        <label className="check">
          <input type="checkbox" checked={isPrivate} onChange={(e) => setPrivate(e.target.checked)} /> {t('ticket.private')}
        </label>
        <button type="submit" disabled={busy || !note.trim()} data-testid="followup-add">
          {t('ticket.addFollowup')}
        </button>
      </form>

      <form
        className="card"
        onSubmit={(e) => {
          e.preventDefault();
          if (status !== 4) return void run(() => api.call('tickets.setStatus', { id: ticket.id, status }));
          // "En attente" says why and when to call back, in words a person reads.
          if (waitReason.trim().length < 3) return setError(t('wait.reasonRequired'));
          const when = new Date(remindAt);
          if (!remindAt || Number.isNaN(when.getTime())) return setError(t('wait.dateRequired'));
          void run(() => api.call('tickets.wait', { id: ticket.id, reason: waitReason.trim(), remindAt: when.toISOString() }), () => setWaitReason(''));
        }}
      >
        <label className="field">
          <span>{t('ticket.changeStatus')}</span>
          <select data-testid="status-select" value={status} onChange={(e) => setStatus(Number(e.target.value) as TicketStatus)}>
            {([1, 2, 3, 4, 6] as const).map((s) => (
              <option key={s} value={s}>{t(`status.${s}`)}</option>
            ))}
          </select>
        </label>
        {status === 4 && (
          <>
            <label className="field">
              <span>{t('wait.reason')}</span>
              <input data-testid="wait-reason" maxLength={500} value={waitReason} placeholder={t('wait.reasonHint')} onChange={(e) => setWaitReason(e.target.value)} />
            </label>
            <label className="field">
              <span>{t('wait.remindAt')}</span>
              <input data-testid="wait-remind" type="datetime-local" value={remindAt} onChange={(e) => setRemindAt(e.target.value)} />
            </label>
          </>
        )}
        {ticket.status === 4 && ticket.waitingReason && (
          <p className="muted" data-testid="wait-current">
            {t('wait.current', { reason: ticket.waitingReason, date: ticket.remindAt ? new Date(ticket.remindAt).toLocaleString(i18n.language === 'en' ? 'en-GB' : 'fr-FR', { dateStyle: 'short', timeStyle: 'short' }) : '—' })}
          </p>
        )}
        <button type="submit" disabled={busy || (status === ticket.status && status !== 4)} data-testid="status-apply">{t('ticket.apply')}</button>
      </form>

      <form className="card" onSubmit={(e) => { e.preventDefault(); if (teamId) void run(() => api.call('tickets.route', { id: ticket.id, teamId, technician: technician.trim() || null })); }}>
        <label className="field">
          <span>{t('field.team')}</span>
          <select data-testid="route-team" value={teamId} onChange={(e) => setTeamId(e.target.value)}>
            <option value="" disabled>—</option>
            {meta?.teams.filter((team) => team.active).map((team) => <option key={team.id} value={team.id}>{team.name}</option>)}
          </select>
        </label>
        <label className="field">
          <span>{t('field.technician')}</span>
          <input data-testid="route-technician" list="technicians" maxLength={120} value={technician} onChange={(e) => setTechnician(e.target.value)} />
          <datalist id="technicians">{meta?.technicians.map((x) => <option key={x} value={x} />)}</datalist>
        </label>
        <button type="submit" disabled={busy || !teamId} data-testid="route-apply">{t('ticket.route')}</button>
      </form>

      <form className="card" onSubmit={(e) => { e.preventDefault(); if (solution.trim()) void run(() => api.call('tickets.resolve', { id: ticket.id, solution }), () => setSolution('')); }}>
        <label className="field">
          <span>{t('field.solution')}</span>
          <textarea data-testid="solution-body" rows={3} maxLength={20000} placeholder={t('ticket.solutionHint')} value={solution} onChange={(e) => setSolution(e.target.value)} />
        </label>
        <button type="submit" className="primary" disabled={busy || !solution.trim()} data-testid="resolve">{t('ticket.resolve')}</button>
      </form>
    </div>
  );
}

/** Tomorrow 09:00, local time, as a datetime-local value: the usual call-back. */
function defaultReminder(): string {
  const d = new Date();
  d.setDate(d.getDate() + 1);
  d.setHours(9, 0, 0, 0);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T09:00`;
}
