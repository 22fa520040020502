import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallOutput } from '../../../src/api/contract';
import { api } from '../../api/client';
import { errorMessage, type AssetRemote } from './ConnectMenu';
import { Notice } from '../../components/Notice';

type ShadowSession = CallOutput<'rdp.shadowSessions'>['sessions'][number];

/** The sessions open on the PC (from qwinsta), with user names, to pick the one to shadow. */
export function ShadowSessionPicker({ remote, onPick, onCancel }: { remote: AssetRemote; onPick(id: number, control: boolean): void; onCancel(): void }) {
  const { t, i18n } = useTranslation('rdp');
  const ref = useRef<HTMLDialogElement>(null);
  const [sessions, setSessions] = useState<ShadowSession[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [picked, setPicked] = useState<number | null>(null);
  const [control, setControl] = useState(true);

  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  useEffect(() => {
    api.call('rdp.shadowSessions', { assetId: remote.asset.id }).then(
      (r) => {
        setSessions(r.sessions);
        setPicked(r.sessions[0]?.id ?? null);
      },
      (err) => setError(errorMessage(err, i18n.language)),
    );
  }, [remote.asset.id, i18n.language]);

  return (
    <dialog ref={ref} className="rdp-dialog" aria-labelledby="rdp-shadow-title" onCancel={onCancel} data-testid="rdp-shadow-picker">
      <h2 id="rdp-shadow-title">{t('shadow.title', { name: remote.asset.name })}</h2>
      <Notice error={error} />
      {!sessions && !error && <p className="muted">{t('shadow.loading')}</p>}
      {sessions && sessions.length === 0 && <p>{t('shadow.none')}</p>}
      {sessions && sessions.length > 0 && (
        <fieldset className="rdp-shadow-list">
          <legend className="sr-only">{t('shadow.title', { name: remote.asset.name })}</legend>
          {sessions.map((s) => (
            <label key={s.id} className="row">
              <input type="radio" name="rdp-shadow-session" checked={picked === s.id} onChange={() => setPicked(s.id)} />
              <strong>{s.user}</strong>
              <span className="muted">
                {t('shadow.id')} {s.id} · {t(`shadow.states.${s.state}`)}
                {s.name ? ` · ${s.name}` : ''}
              </span>
            </label>
          ))}
        </fieldset>
      )}
      <label className="row">
        <input type="checkbox" checked={control} onChange={(e) => setControl(e.target.checked)} />
        {t('shadow.control')}
      </label>
      <p className="muted">{t('shadow.consent')}</p>
      <div className="toolbar">
        <button type="button" className="primary" disabled={picked === null} onClick={() => picked !== null && onPick(picked, control)}>
          {t('shadow.start')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('trust.cancel')}
        </button>
      </div>
    </dialog>
  );
}
