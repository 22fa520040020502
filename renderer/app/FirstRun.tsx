import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { callQuery, queryClient, useCall } from '../api/queries';
import { useSettings } from './preferences';
import { errorText, Notice } from '../components/Notice';

/** An ITSM server's administration account: never a technician's identity. */
const ADMIN_LOGIN = /^(root|admin|administrator|administrateur|glpi)$/i;

/**
 * First run: who is at this console? The display name, and where an ITSM server is configured
 * the operator's login there: that login is the technician identity on tickets and on the
 * server (an RT owner, a GLPI technician), so the system account ("root") never shows. A bar,
 * not a modal: a call may be ringing, the operator answers it first and says who they are after.
 */
export function FirstRun() {
  const { t, i18n } = useTranslation('common');
  // What is asked follows the cached settings (`settings.changed` carries the new ones) and
  // server configuration: once the name (and login) are known, from here or elsewhere, the bar goes.
  const settings = useSettings();
  const sync = useCall('sync.status', undefined);
  const [draftName, setName] = useState<string | null>(null);
  const [draftLogin, setLogin] = useState<string | null>(null);
  const [localError, setError] = useState<{ field: 'name' | 'login' | null; text: string } | null>(null);
  // A failed server status only means no login is asked; wait for its answer either way.
  if ((!settings.data && !settings.error) || sync.isPending) return null;
  const s = settings.data;
  const server = sync.data?.config.configured ? sync.data.config.kind : null;
  // Without the settings, ask for the name rather than hide the question, and say why.
  const need = s
    ? { name: !s.values.userName && !s.locked.includes('userName'), login: !!server && !s.values.userLogin && !s.locked.includes('userLogin'), server }
    : { name: true, login: false, server: null };
  if (!need.name && !need.login) return null;
  const error = localError ?? (settings.error ? { field: null, text: errorText(settings.error, i18n.language) } : null);
  const name = draftName ?? s?.values.userName ?? '';
  // The account the server authenticated is a good guess, unless it is its administrator.
  const guess = sync.data?.config.user ?? sync.data?.config.lastTest?.account ?? '';
  const login = draftLogin ?? (ADMIN_LOGIN.test(guess) ? '' : guess);
  const save = async () => {
    const v = name.trim();
    const l = login.trim();
    if (need.name && !v) return setError({ field: 'name', text: t('firstRun.required') });
    if (need.login && !l) return setError({ field: 'login', text: t('firstRun.loginRequired', { server: t(`firstRun.server.${need.server}`) }) });
    if (need.login && ADMIN_LOGIN.test(l)) return setError({ field: 'login', text: t('firstRun.loginAdmin', { login: l }) });
    try {
      // The answer is the new settings: the bar goes at once (`settings.changed` makes the
      // technicians list stale, api/stale-on-event.ts).
      queryClient.setQueryData(callQuery('settings.get', undefined).queryKey, await api.call('settings.set', { ...(need.name ? { userName: v } : {}), ...(need.login ? { userLogin: l } : {}) }));
      setError(null);
    } catch (err) {
      setError({ field: null, text: errorText(err, i18n.language) });
    }
  };
  return (
    <form className="first-run" data-testid="first-run" onSubmit={(e) => { e.preventDefault(); void save(); }}>
      {need.name ? (
        <label>
          <strong>{t('firstRun.title')}</strong> <span className="muted">{t('firstRun.why')}</span>{' '}
          <input data-testid="first-run-name" maxLength={120} value={name} onChange={(e) => setName(e.target.value)} placeholder={t('firstRun.placeholder')} aria-invalid={error?.field === 'name' ? true : undefined} />
        </label>
      ) : (
        <strong>{t('firstRun.loginTitle')}</strong>
      )}
      {need.login && (
        <label>
          <span>{t('firstRun.login', { server: t(`firstRun.server.${need.server}`) })}</span>
          <input
            data-testid="first-run-login"
            maxLength={120}
            value={login}
            spellCheck={false}
            autoComplete="username"
            onChange={(e) => setLogin(e.target.value)}
            placeholder={t('firstRun.loginPlaceholder')}
            aria-invalid={error?.field === 'login' ? true : undefined}
          />
        </label>
      )}
      <button type="submit" className="primary" data-testid="first-run-save">{t('firstRun.save')}</button>
      {error && (
        <Notice inline testId="first-run-error" tone="error">
          {error.text}
        </Notice>
      )}
    </form>
  );
}
