import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Ticket, TicketStatus } from '../../../src/domain/tickets';
import { api } from '../../api/client';
import { errorText, type TicketMeta } from './ticket-meta';
import type { TicketDetail } from './TicketPage';

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
      {error && (
        <p role="alert" className="error" data-testid="ticket-error">
          {error}
        </p>
      )}
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

      <form className="card" onSubmit={(e) => { e.preventDefault(); void run(() => api.call('tickets.setStatus', { id: ticket.id, status })); }}>
        <label className="field">
          <span>{t('ticket.changeStatus')}</span>
          <select data-testid="status-select" value={status} onChange={(e) => setStatus(Number(e.target.value) as TicketStatus)}>
            {([1, 2, 3, 4, 6] as const).map((s) => (
              <option key={s} value={s}>{t(`status.${s}`)}</option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={busy || status === ticket.status} data-testid="status-apply">{t('ticket.apply')}</button>
      </form>

      <form className="card" onSubmit={(e) => { e.preventDefault(); if (teamId) void run(() => api.call('tickets.route', { id: ticket.id, teamId, technician: technician.trim() || null })); }}>
        <label className="field">
          <span>{t('field.team')}</span>
          <select data-testid="route-team" value={teamId} onChange={(e) => setTeamId(e.target.value)}>
            <option value="" disabled>—</option>
            {meta?.teams.map((team) => <option key={team.id} value={team.id}>{team.name}</option>)}
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
