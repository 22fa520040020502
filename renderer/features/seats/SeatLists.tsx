import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OrgNames } from '../../../src/domain/seats';
import { api } from '../../api/client';
import { errorText, type Lang, type Overview } from './SeatsPage';

type Seat = Overview['seats'][number];

/** Assigned seats, seats idle long enough to reclaim, seats about to expire. */
export function SeatLists({ overview, names, lang, onError }: { overview: Overview; names: OrgNames; lang: Lang; onError(msg: string): void }) {
  const { t } = useTranslation('seats');
  const [confirm, setConfirm] = useState<Seat | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const seatById = new Map(overview.seats.map((s) => [s.id, s]));
  const date = (iso: string) => new Date(iso).toLocaleDateString(lang === 'fr' ? 'fr-FR' : 'en-GB');
  const org = (id: string | null) => (id ? (names[id] ?? id) : '—');
  const connected = new Set(overview.live.connected.map((c) => c.login));

  const renew = async (id: string) => {
    try {
      await api.call('seats.renew', { seatId: id });
      setNotice(t('done'));
    } catch (err) {
      onError(errorText(err, lang));
    }
  };

  return (
    <div className="seat-lists">
      <div className="card" data-testid="reclaim-list">
        <h2>{t('reclaim', { days: overview.pool.idleDays })}</h2>
        {overview.reclaim.length === 0 && <p className="muted">{t('reclaimEmpty')}</p>}
        <ul>
          {overview.reclaim.map((c) => {
            const s = seatById.get(c.seatId);
            if (!s) return null;
            return (
              <li key={c.seatId} className="row" data-testid={`reclaim-${s.holderLogin}`}>
                <strong>{s.holderName}</strong> <span className="muted">{org(s.organisationId)}</span>
                <span>{c.lastSeenAt ? t('lastSeen', { date: date(c.lastSeenAt) }) : t('neverSeen')}</span>
                <span className="badge">{t('idleDays', { count: c.idleDays })}</span>
                <button type="button" onClick={() => setConfirm(s)}>
                  {t('reclaimAction')}
                </button>
              </li>
            );
          })}
        </ul>
      </div>
      <div className="card" data-testid="expiring-list">
        <h2>{t('expiring')}</h2>
        {overview.expiring.length === 0 && <p className="muted">{t('expiringEmpty')}</p>}
        <ul>
          {overview.expiring.map((id) => {
            const s = seatById.get(id);
            return s ? (
              <li key={id} className="row">
                <strong>{s.holderName}</strong> <span>{date(s.expiresAt)}</span>
                <button type="button" onClick={() => void renew(id)}>
                  {t('renew')}
                </button>
              </li>
            ) : null;
          })}
        </ul>
      </div>
      <div className="card" data-testid="seat-list">
        <h2>{t('seats', { count: overview.seats.length })}</h2>
        {notice && <p className="ok" role="status">{notice}</p>}
        <table className="seats-table">
          <thead>
            <tr>
              <th scope="col">{t('holder')}</th>
              <th scope="col">{t('organisation')}</th>
              <th scope="col">{t('expires')}</th>
              <th scope="col">{t('actions')}</th>
            </tr>
          </thead>
          <tbody>
            {overview.seats.map((s) => (
              <tr key={s.id} data-testid={`seat-${s.holderLogin}`}>
                <td>
                  {connected.has(s.holderLogin) && <span className="dot ok" aria-label="●" />} {s.holderName} <span className="muted small">{s.holderLogin}</span>
                </td>
                <td>
                  {org(s.organisationId)}
                  {s.borrowedFrom && <span className="badge">{t('borrowed', { org: org(s.borrowedFrom) })}</span>}
                </td>
                <td>{date(s.expiresAt)}</td>
                <td className="toolbar">
                  <button type="button" onClick={() => void renew(s.id)}>
                    {t('renew')}
                  </button>
                  <button type="button" onClick={() => setConfirm(s)} data-testid="seat-revoke">
                    {t('revoke')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {confirm && (
        <ReclaimDialog
          seat={confirm}
          canDisconnect={overview.pool.live.kind === 'openvpn'}
          lang={lang}
          onClose={(msg) => {
            setConfirm(null);
            if (msg) setNotice(msg);
          }}
          onError={onError}
        />
      )}
    </div>
  );
}

/** Reclaiming asks for confirmation and a reason; it can end the live session too. */
function ReclaimDialog({ seat, canDisconnect, lang, onClose, onError }: { seat: Seat; canDisconnect: boolean; lang: Lang; onClose(msg?: string): void; onError(msg: string): void }) {
  const { t } = useTranslation('seats');
  const ref = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState(t('confirmDefaultReason'));
  const [disconnect, setDisconnect] = useState(canDisconnect);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  const submit = async () => {
    try {
      const r = await api.call('seats.revoke', { seatId: seat.id, reason, disconnect });
      onClose(r.disconnectError ? `${t('disconnectFailed')} ${r.disconnectError.message[lang]}` : r.disconnected ? t('disconnected') : t('done'));
    } catch (err) {
      onError(errorText(err, lang));
      onClose();
    }
  };
  return (
    <dialog ref={ref} className="card" onCancel={() => onClose()} aria-labelledby="reclaim-title" data-testid="reclaim-dialog">
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h2 id="reclaim-title">{t('confirmTitle', { name: seat.holderName })}</h2>
        <label className="field">
          <span>{t('confirmReason')}</span>
          <input value={reason} onChange={(e) => setReason(e.target.value)} required autoFocus />
        </label>
        {canDisconnect && (
          <label>
            <input type="checkbox" checked={disconnect} onChange={(e) => setDisconnect(e.target.checked)} data-testid="reclaim-disconnect" /> {t('disconnect')}
          </label>
        )}
        <div className="toolbar">
          <button type="submit" className="primary" data-testid="reclaim-confirm">
            {t('confirm')}
          </button>
          <button type="button" onClick={() => onClose()}>
            {t('cancel')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
