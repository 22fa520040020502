import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallOutput } from '../../../src/api/contract';
import { CONDITION_LABELS, LOAN_CATEGORY_NAME, TYPE_LABELS } from '../../../src/domain/loans';
import { api } from '../../api/client';
import { useCall } from '../../api/queries';
import { routeHref } from '../../app/router';
import { errorText, fmt, LinesEditor, ReceiptActions, useLang, type Line } from './parts';
import './loans.css';
import { Notice } from '../../components/Notice';

/**
 * The loans of a request ticket: the request(s) made from the call with their lines, each
 * loan with its state, return and receipt; and, for a call in "Prêt de matériel", the form
 * that turns it into a loan request on the waiting list.
 */
export function TicketLoans({ ticketId, categoryName, requesterName }: { ticketId: string; categoryName: string | null; requesterName: string }) {
  const { t } = useTranslation('loans');
  const lang = useLang();
  // Asked again when `loans.changed` names this ticket (api/stale-on-event.ts). The card shows
  // nothing until it has an answer, so a failed read goes to the status bar's notice.
  const data = useCall('loans.ofTicket', { ticketId }).data ?? null;
  const [error, setError] = useState<string | null>(null);
  const [lines, setLines] = useState<Line[]>([{ type: 'portable', quantity: 1 }]);
  const [reason, setReason] = useState('');
  const printAgain = async (receiptId: string) => {
    try {
      const r = await api.call('loans.receipt', { receiptId });
      setReceipt(r);
    } catch (e) {
      setError(errorText(e, lang));
    }
  };
  const [receipt, setReceipt] = useState<CallOutput<'loans.receipt'> | null>(null);
  const create = async () => {
    try {
      await api.call('loans.createRequest', { ticketId, lines, reason: reason.trim() || t('fromCall') });
      setError(null);
    } catch (e) {
      setError(errorText(e, lang));
    }
  };
  const isLoanCall = categoryName?.startsWith(LOAN_CATEGORY_NAME) ?? false;
  if (!data || (!isLoanCall && data.requests.length === 0 && data.loans.length === 0)) return null;
  return (
    <section className="card ticket-loans" aria-labelledby="ticket-loans-title" data-testid="ticket-loans">
      <h2 id="ticket-loans-title">{t('ticketTitle')}</h2>
      <Notice error={error} />
      {data.requests.map((r) => (
        <p key={r.id} className="small" data-testid="ticket-loan-request">
          {t('requestLine', { agent: r.agent.name, lines: r.lines.map((l) => `${l.served}/${l.quantity} ${TYPE_LABELS[lang][l.type]}`).join(', ') })} — {t(`status.${r.status}`)}
        </p>
      ))}
      {data.loans.length > 0 && (
        <ul data-testid="ticket-loan-list">
          {data.loans.map((l) => (
            <li key={l.id} data-testid={`ticket-loan-${l.tag}`}>
              <strong>{l.tag}</strong> {TYPE_LABELS[lang][l.type]} ({l.serial ?? '—'}) · {t(`loanStatus.${l.status}`)}
              {l.status === 'active' && ` · ${t('dueOn', { date: fmt(l.dueAt, lang, false) })}`}
              {l.returnedAt && l.conditionIn && ` · ${CONDITION_LABELS[lang][l.conditionIn]}${l.missingKit.length ? ` · ${t('missing', { kit: l.missingKit.join(', ') })}` : ''}`}
              {l.conflict && <span className="error"> · {l.conflict.message[lang]}</span>}
              {l.receiptId && (
                <button type="button" className="link" onClick={() => void printAgain(l.receiptId!)} data-testid="ticket-receipt">
                  {t('receipt')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {receipt && <ReceiptActions receipt={receipt} />}
      {isLoanCall && data.requests.length === 0 && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void create();
          }}
          data-testid="ticket-loan-form"
        >
          <p className="small muted">{t('fromCallHelp', { agent: requesterName })}</p>
          <LinesEditor lines={lines} onChange={setLines} lang={lang} />
          <label className="field">
            <span>{t('reason')}</span>
            <input value={reason} onChange={(e) => setReason(e.target.value)} data-testid="ticket-loan-reason" />
          </label>
          <button type="submit" className="primary" data-testid="ticket-loan-create">
            {t('createRequest')}
          </button>
        </form>
      )}
      <p className="small">
        <a href={routeHref({ page: 'loans' })}>{t('openDesk')}</a>
      </p>
    </section>
  );
}
