import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallInput, CallOutput } from '../../../../src/api/contract';
import { api } from '../../../api/client';
import { useCall } from '../../../api/queries';
import { Notice } from '../../../components/Notice';
import { DialogButtons } from './DialogButtons';

export type Profile = CallOutput<'ssh.profiles'>['profiles'][number];
export type ProfileInput = CallInput<'ssh.profileSave'>;

/** Creates or edits a connection profile (host, user, authentication, jump hosts). */
export function ProfileForm({ initial, onCancel, onSaved }: { initial: Partial<ProfileInput> & { id?: string; pendingTicketId?: string | null }; onCancel(): void; onSaved(p: Profile, ticketId?: string | null): void }) {
  const { t } = useTranslation('ssh');
  const [v, setV] = useState({
    name: initial.name ?? '',
    host: initial.host ?? '',
    port: String(initial.port ?? 22),
    username: initial.username ?? '',
    auth: initial.auth ?? 'key',
    keyFile: initial.keyFile ?? '',
    credentialId: initial.credentialId ?? '',
    jump: (initial.jump ?? []).join(', '),
  });
  // The vault's entries to pick a credential from, fetched again on `security.vaultChanged`.
  const vault = useCall('security.vaultList', undefined, { showsError: true });
  const creds = vault.data?.entries ?? [];
  const [saveError, setError] = useState<unknown>(null);
  const error = saveError ?? vault.error;
  const field = (k: keyof typeof v) => ({ value: v[k], onChange: (e: { target: { value: string } }) => setV({ ...v, [k]: e.target.value }) });
  const save = async () => {
    setError(null);
    try {
      const p = await api.call('ssh.profileSave', {
        ...(initial.id ? { id: initial.id } : {}),
        name: v.name,
        host: v.host,
        port: Number(v.port) || 22,
        username: v.username,
        auth: v.auth as ProfileInput['auth'],
        keyFile: v.keyFile || null,
        credentialId: v.credentialId || null,
        jump: v.jump
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        assetId: initial.assetId ?? null,
      });
      onSaved(p, initial.pendingTicketId);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form
      className="ssh-profile-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
      data-testid="ssh-profile-form"
    >
      <div className="rdp-grid">
        <label className="field">
          <span>{t('form.name')}</span>
          <input required maxLength={120} {...field('name')} />
        </label>
        <label className="field">
          <span>{t('form.host')}</span>
          <input required maxLength={253} {...field('host')} />
        </label>
        <label className="field">
          <span>{t('form.port')}</span>
          <input type="number" min={1} max={65535} {...field('port')} />
        </label>
        <label className="field">
          <span>{t('form.user')}</span>
          <input required maxLength={64} {...field('username')} />
        </label>
        <label className="field">
          <span>{t('form.auth')}</span>
          <select {...field('auth')}>
            {(['key', 'agent', 'password', 'keyboard-interactive'] as const).map((a) => (
              <option key={a} value={a}>
                {t(`auth.${a}`)}
              </option>
            ))}
          </select>
        </label>
        {v.auth === 'key' && (
          <label className="field">
            <span>{t('form.keyFile')}</span>
            <input maxLength={1024} placeholder="~/.ssh/id_ed25519" {...field('keyFile')} />
          </label>
        )}
        {v.auth !== 'agent' && (
          <label className="field">
            <span>{v.auth === 'key' ? t('form.passphrase') : t('form.credential')}</span>
            <select {...field('credentialId')}>
              <option value="">{t('form.askEachTime')}</option>
              {creds.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.label}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="field">
          <span>{t('form.jump')}</span>
          <input maxLength={300} placeholder="bastion, tech@rebond:2222" {...field('jump')} />
        </label>
      </div>
      <Notice error={error} />
      <DialogButtons submitLabel={initial.pendingTicketId !== undefined ? t('form.saveConnect') : t('form.save')} onCancel={onCancel} />
    </form>
  );
}
