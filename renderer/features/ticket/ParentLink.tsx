import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Ticket } from '../../../src/domain/tickets';
import { api } from '../../api/client';
import { errorText } from './ticket-meta';
import { Notice } from '../../components/Notice';

/**
 * Link this ticket under an "incident majeur" by the parent's number (the one colleagues read
 * out): both tickets then show the link, and it syncs like any other change.
 */
export function ParentLink({ ticket, onClose }: { ticket: Ticket; onClose(saved: boolean): void }) {
  const { t, i18n } = useTranslation('hotline');
  const [number, setNumber] = useState('');
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const n = Number(number.trim().replace(/^n°\s*|^#/i, ''));
    if (!Number.isInteger(n) || n <= 0) return setError(t('link.numberRequired'));
    try {
      await api.call('tickets.linkParent', { id: ticket.id, parentNumber: n });
      onClose(true);
    } catch (err) {
      setError(errorText(err, i18n.language));
    }
  };
  return (
    <form className="card parent-link" data-testid="parent-link" onSubmit={(e) => void submit(e)} onKeyDown={(e) => e.key === 'Escape' && (e.preventDefault(), e.stopPropagation(), onClose(false))} aria-labelledby="parent-link-title">
      <h2 id="parent-link-title">{t('link.title')}</h2>
      <p className="muted">{t('link.hint', { number: ticket.number })}</p>
      <label className="field">
        <span>{t('link.number')}</span>
        <input ref={input} data-testid="parent-link-number" inputMode="numeric" value={number} onChange={(e) => setNumber(e.target.value)} aria-invalid={error ? true : undefined} />
      </label>
      <div className="toolbar">
        <button type="submit" className="primary" data-testid="parent-link-save">{t('link.save')}</button>
        <button type="button" onClick={() => onClose(false)}>{t('link.cancel')}</button>
      </div>
      <Notice error={error} testId="parent-link-error" />
    </form>
  );
}
