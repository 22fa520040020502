import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ContractError } from '../../../src/api/client';
import type { OrgNames } from '../../../src/domain/seats';
import { api } from '../../api/client';
import { useShortcut } from '../../app/shortcuts';
import { errorText, type Lang, type Overview } from './SeatsPage';
import { criterionText, rankText, refusalText as verdictText } from './wording';

/** The waiting list, ranked by the shared code, each rank explained; the proposed request first. */
export function Waitlist({ overview, names, lang, onError, onDone }: { overview: Overview; names: OrgNames; lang: Lang; onError(msg: string): void; onDone(): void }) {
  const { t } = useTranslation('seats');
  const [overriding, setOverriding] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [borrowFor, setBorrowFor] = useState<{ requestId: string; org: string } | null>(null);
  const poolId = overview.pool.id;
  const proposedId = overview.proposal.requestId ?? null;

  const assign = async (requestId: string, extra: { allowBorrow?: boolean; overrideReason?: string } = {}) => {
    try {
      await api.call('seats.assign', { poolId, requestId, ...extra });
      setBorrowFor(null);
      setOverriding(null);
      onDone();
    } catch (err) {
      onError(errorText(err, lang));
      const v = err instanceof ContractError ? (err.details as { verdict?: { code: string; params: { lendable?: { organisationId: string }[] } } } | undefined)?.verdict : undefined;
      const lender = v?.code === 'QUOTA_FULL' ? v.params.lendable?.[0]?.organisationId : undefined;
      setBorrowFor(lender ? { requestId, org: lender } : null);
    }
  };
  const override = async (requestId: string) => {
    try {
      await api.call('seats.overrideRequest', { requestId, reason });
      setOverriding(null);
      setReason('');
      onDone();
    } catch (err) {
      onError(errorText(err, lang));
    }
  };
  const cancel = async (requestId: string) => {
    try {
      await api.call('seats.cancelRequest', { requestId, reason: t('cancelReason') });
      onDone();
    } catch (err) {
      onError(errorText(err, lang));
    }
  };
  useShortcut({ key: 'a', alt: true }, () => proposedId && void assign(proposedId), !!proposedId);

  /** The organisation a passed-over request could borrow from (its own share is full). */
  const lenderFor = (requestId: string): string | null => {
    const p = overview.proposal.passedOver.find((x) => x.requestId === requestId);
    const verdict = overview.verdicts.find((v) => v.organisationId === p?.refusal.params?.organisationId)?.verdict;
    return verdict && !verdict.ok && verdict.code === 'QUOTA_FULL' ? (verdict.params.lendable[0]?.organisationId ?? null) : null;
  };
  const refusalText = (requestId: string) => {
    const p = overview.proposal.passedOver.find((x) => x.requestId === requestId);
    if (!p) return null;
    const org = p.refusal.params?.organisationId;
    const verdict = overview.verdicts.find((v) => v.organisationId === org)?.verdict;
    return verdict && !verdict.ok ? verdictText(verdict, names, t) : p.refusal.code;
  };

  return (
    <div className="card" data-testid="waitlist">
      <h2>{t('waitlist')}</h2>
      {overview.waitlist.length === 0 ? (
        <p className="muted">{t('waitlistEmpty')}</p>
      ) : (
        <table className="seats-table">
          <thead>
            <tr>
              <th scope="col">{t('position')}</th>
              <th scope="col">{t('requester')}</th>
              <th scope="col">{t('organisation')}</th>
              <th scope="col">{t('why')}</th>
              <th scope="col">{t('actions')}</th>
            </tr>
          </thead>
          <tbody>
            {overview.waitlist.map(({ request: r, position, decidedBy }) => {
              const proposed = r.id === proposedId;
              const passed = refusalText(r.id);
              const lender = borrowFor?.requestId === r.id ? borrowFor.org : lenderFor(r.id);
              // Past the head, taking a seat out of turn is an override: its reason is recorded.
              const outOfTurn = !proposed && (overview.proposal.requestId !== null || overview.waitlist[0]?.request.id !== r.id);
              return (
                <tr key={r.id} className={proposed ? 'proposed' : ''} data-testid={`request-${r.requesterLogin}`} data-position={position}>
                  <td>{position}</td>
                  <td>
                    {r.requesterName}
                    <div className="muted small">{r.requesterLogin}</div>
                  </td>
                  <td>{r.organisationId ? (names[r.organisationId] ?? r.organisationId) : '—'}</td>
                  <td>
                    <span data-testid="request-why">{rankText(r, t, lang)}</span>
                    <div className="muted small">{criterionText(decidedBy, t)}</div>
                    {proposed && <strong className="ok">{t('proposed')}</strong>}
                    {passed && <div className="warn small">{t('passedOver', { reason: passed })}</div>}
                  </td>
                  <td>
                    <div className="toolbar">
                      {proposed && (
                        <button type="button" className="primary" onClick={() => void assign(r.id)} aria-keyshortcuts="Alt+A" data-testid="assign-proposed">
                          {t('assign')}
                        </button>
                      )}
                      {lender && (
                        <button type="button" onClick={() => void assign(r.id, { allowBorrow: true, ...(outOfTurn ? { overrideReason: t('borrow', { org: names[lender] ?? lender }) } : {}) })} data-testid="assign-borrow">
                          {t('borrow', { org: names[lender] ?? lender })}
                        </button>
                      )}
                      {!proposed && (
                        <button type="button" onClick={() => setOverriding(overriding === r.id ? null : r.id)} aria-expanded={overriding === r.id}>
                          {t('override')}
                        </button>
                      )}
                      <button type="button" onClick={() => void cancel(r.id)}>
                        {t('cancelRequest')}
                      </button>
                    </div>
                    {overriding === r.id && (
                      <form
                        className="toolbar"
                        onSubmit={(e) => {
                          e.preventDefault();
                          void override(r.id);
                        }}
                      >
                        <input aria-label={t('overrideReason')} placeholder={t('overrideReason')} value={reason} onChange={(e) => setReason(e.target.value)} minLength={3} required autoFocus />
                        <button type="submit">{t('override').replace('…', '')}</button>
                      </form>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
