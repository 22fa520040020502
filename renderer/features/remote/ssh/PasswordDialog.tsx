import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DialogButtons } from './DialogButtons';
import type { Profile } from './ProfileForm';

/** A one-time password or passphrase, used for this connection and never stored. */
export function PasswordDialog({ profile, onCancel, onSubmit }: { profile: Profile; onCancel(): void; onSubmit(pw: string): void }) {
  const { t } = useTranslation('ssh');
  const ref = useRef<HTMLDialogElement>(null);
  const [pw, setPw] = useState('');
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog ref={ref} className="rdp-dialog" aria-labelledby="ssh-pw-title" onCancel={(e) => (e.preventDefault(), onCancel())}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (pw) onSubmit(pw);
        }}
      >
        <h2 id="ssh-pw-title">{t('password.title', { target: `${profile.username}@${profile.host}` })}</h2>
        <label className="field">
          <span>{t('password.label')}</span>
          <input type="password" autoComplete="off" value={pw} onChange={(e) => setPw(e.target.value)} autoFocus />
        </label>
        <p className="muted">{t('password.notStored')}</p>
        <DialogButtons submitLabel={t('profiles.connect')} disabled={!pw} onCancel={onCancel} />
      </form>
    </dialog>
  );
}
