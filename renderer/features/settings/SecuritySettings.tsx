import '../remote/ssh.css';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallOutput } from '../../../src/api/contract';
import { errorText as msg, Notice } from '../../components/Notice';
import { api } from '../../api/client';
import { useCall } from '../../api/queries';
import { SelectField } from '../../components/SelectField';

type Entry = CallOutput<'security.vaultList'>['entries'][number];
type HostKey = CallOutput<'ssh.hostKeys'>['keys'][number];
type AuditStatus = CallOutput<'security.auditVerify'>;

/**
 * Settings › Security: the credential vault (add, replace, delete — a secret is typed here
 * and never shown again), the audit log's chain status, and the trusted SSH host keys.
 */
export function SecuritySettings() {
  const { t } = useTranslation('security');
  return (
    <fieldset className="card security-settings" data-testid="security-settings">
      <legend>{t('title')}</legend>
      <VaultSection />
      <AuditSection />
      <HostKeysSection />
    </fieldset>
  );
}

function VaultSection() {
  const { t, i18n } = useTranslation('security');
  // Fetched again on `security.vaultChanged` (api/stale-on-event.ts).
  const list = useCall('security.vaultList', undefined, { showsError: true });
  const info = useCall('security.vaultInfo', undefined, { showsError: true });
  const entries: Entry[] = list.data?.entries ?? [];
  const backend = info.data?.backend ?? '';
  const [label, setLabel] = useState('');
  const [kind, setKind] = useState<Entry['kind']>('password');
  const [secret, setSecret] = useState('');
  const [replacing, setReplacing] = useState<string | null>(null);
  const [replacement, setReplacement] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const run = async (fn: () => Promise<unknown>, done: string) => {
    setError(null);
    setNotice(null);
    try {
      await fn();
      setNotice(done);
    } catch (err) {
      setError(msg(err, i18n.language));
    }
  };

  return (
    <section aria-labelledby="vault-title">
      <h3 id="vault-title">{t('vault.title')}</h3>
      <p className="muted">{t('vault.backend', { backend })}</p>
      {entries.length === 0 ? (
        <p className="muted">{t('vault.empty')}</p>
      ) : (
        <ul className="security-list" data-testid="vault-entries">
          {entries.map((e) => (
            <li key={e.id} data-testid="vault-entry">
              <span>
                <strong>{e.label}</strong> <span className="muted">— {t(`kind.${e.kind}`)} — {t('vault.updated', { at: new Date(e.updatedAt).toLocaleString(i18n.language) })}</span>
                <span className="secret-mask" aria-label={t('vault.hidden')}>
                  {' '}
                  ••••••••
                </span>
              </span>
              {replacing === e.id ? (
                <form
                  className="inline-form"
                  onSubmit={(ev) => {
                    ev.preventDefault();
                    const value = replacement;
                    setReplacement('');
                    setReplacing(null);
                    void run(() => api.call('security.vaultReplace', { id: e.id, secret: value }), t('vault.replaced'));
                  }}
                >
                  <label>
                    <span className="visually-hidden">{t('vault.newSecret')}</span>
                    <input type="password" autoComplete="new-password" value={replacement} onChange={(ev) => setReplacement(ev.target.value)} placeholder={t('vault.newSecret')} autoFocus />
                  </label>
                  <button type="submit" className="primary" disabled={!replacement}>
                    {t('vault.replace')}
                  </button>
                  <button type="button" onClick={() => setReplacing(null)}>
                    {t('cancel')}
                  </button>
                </form>
              ) : (
                <span className="inline-form">
                  <button type="button" onClick={() => setReplacing(e.id)}>
                    {t('vault.replace')}
                  </button>
                  <button
                    type="button"
                    onClick={() => {
                      if (window.confirm(t('vault.confirmDelete', { label: e.label }))) void run(() => api.call('security.vaultDelete', { id: e.id }), t('vault.deleted'));
                    }}
                  >
                    {t('vault.delete')}
                  </button>
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      <form
        className="inline-form"
        onSubmit={(ev) => {
          ev.preventDefault();
          const value = secret;
          setSecret('');
          void run(async () => {
            await api.call('security.vaultPut', { label, kind, secret: value });
            setLabel('');
          }, t('vault.added'));
        }}
        data-testid="vault-add"
      >
        <label className="field">
          <span>{t('vault.label')}</span>
          <input value={label} onChange={(e) => setLabel(e.target.value)} maxLength={120} required />
        </label>
        <SelectField
          label={t('vault.kind')}
          value={kind}
          onChange={(e) => setKind(e.target.value as Entry['kind'])}
          options={(['password', 'passphrase', 'private-key', 'token', 'other'] as const).map((k) => ({ value: k, label: t(`kind.${k}`) }))}
        />
        <label className="field">
          <span>{t('vault.secret')}</span>
          <input type="password" autoComplete="new-password" value={secret} onChange={(e) => setSecret(e.target.value)} required />
        </label>
        <button type="submit" className="primary" disabled={!label || !secret}>
          {t('vault.add')}
        </button>
      </form>
      <Notice tone="success">{notice}</Notice>
      <Notice error={error} />
      <Notice error={list.error ?? info.error} />
    </section>
  );
}

function AuditSection() {
  const { t } = useTranslation('security');
  // Verified again on `security.auditAppended` and on demand.
  const audit = useCall('security.auditVerify', undefined, { showsError: true });
  const status: AuditStatus | undefined = audit.data;
  return (
    <section aria-labelledby="audit-title">
      <h3 id="audit-title">{t('audit.title')}</h3>
      {status && (
        <Notice tone={status.ok ? 'success' : 'error'} testId="audit-status" data={{ 'data-ok': String(status.ok) }}>
          {status.ok ? t('audit.intact', { rows: status.rows }) : t('audit.broken', { row: status.brokenAt, rows: status.rows })}
        </Notice>
      )}
      <Notice error={audit.error} />
      <button type="button" onClick={() => void audit.refetch()}>
        {t('audit.verify')}
      </button>
      <p className="muted">{t('audit.cli')}</p>
    </section>
  );
}

function HostKeysSection() {
  const { t, i18n } = useTranslation('security');
  // Fetched again on `ssh.hostKeysChanged`.
  const stored = useCall('ssh.hostKeys', undefined, { showsError: true });
  const keys: HostKey[] = stored.data?.keys ?? [];
  const [replacing, setReplacing] = useState<HostKey | null>(null);
  const [fingerprint, setFingerprint] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <section aria-labelledby="hostkeys-title">
      <h3 id="hostkeys-title">{t('hostKeys.title')}</h3>
      {keys.length === 0 && <p className="muted">{t('hostKeys.empty')}</p>}
      <ul className="security-list" data-testid="host-keys">
        {keys.map((k) => (
          <li key={`${k.host}:${k.port}`}>
            <span>
              <strong>
                {k.host}:{k.port}
              </strong>{' '}
              <span className="muted">{k.keyType}</span> <code>{k.fingerprint}</code>
            </span>
            <span className="inline-form">
              <button type="button" onClick={() => (setReplacing(k), setFingerprint(''), setError(null))}>
                {t('hostKeys.replace')}
              </button>
              <button type="button" onClick={() => void api.call('ssh.hostKeyRemove', { host: k.host, port: k.port }).catch((e) => setError(msg(e, i18n.language)))}>
                {t('hostKeys.remove')}
              </button>
            </span>
          </li>
        ))}
      </ul>
      {replacing && (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            api.call('ssh.hostKeyReplace', { host: replacing.host, port: replacing.port, fingerprint: fingerprint.trim() }).then(
              () => setReplacing(null),
              (err) => setError(msg(err, i18n.language)),
            );
          }}
        >
          <p>{t('hostKeys.replaceHelp', { host: replacing.host, port: replacing.port })}</p>
          <label className="field">
            <span>{t('hostKeys.newFingerprint')}</span>
            <input value={fingerprint} onChange={(e) => setFingerprint(e.target.value)} placeholder="SHA256:…" required />
          </label>
          <button type="submit" className="danger" disabled={!fingerprint.startsWith('SHA256:')}>
            {t('hostKeys.replaceNow')}
          </button>
          <button type="button" onClick={() => setReplacing(null)}>
            {t('cancel')}
          </button>
        </form>
      )}
      <Notice error={error ?? stored.error} />
    </section>
  );
}
