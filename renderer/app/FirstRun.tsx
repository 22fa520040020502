import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { forgetTicketMeta } from '../features/ticket/ticket-meta';
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
  const [need, setNeed] = useState<{ name: boolean; login: boolean; server: 'rt' | 'glpi' | null } | null>(null);
  const [name, setName] = useState('');
  const [login, setLogin] = useState('');
  const [error, setError] = useState<{ field: 'name' | 'login' | null; text: string } | null>(null);
  useEffect(() => {
    let live = true;
    Promise.all([api.call('settings.get'), api.call('sync.status').catch(() => null)]).then(
      ([s, sync]) => {
        if (!live) return;
        const server = sync?.config.configured ? sync.config.kind : null;
        const needName = !s.values.userName && !s.locked.includes('userName');
        const needLogin = !!server && !s.values.userLogin && !s.locked.includes('userLogin');
        setName(s.values.userName ?? '');
        // The account the server authenticated is a good guess, unless it is its administrator.
        const guess = sync?.config.user ?? sync?.config.lastTest?.account ?? '';
        setLogin(ADMIN_LOGIN.test(guess) ? '' : guess);
        setNeed(needName || needLogin ? { name: needName, login: needLogin, server } : null);
      },
      (err) => {
        if (!live) return;
        // Without the settings, ask for the name rather than hide the question, and say why.
        setNeed({ name: true, login: false, server: null });
        setError({ field: null, text: errorText(err, i18n.language) });
      },
    );
    return () => {
      live = false;
    };
  }, [i18n.language]);
  if (!need) return null;
  const save = async () => {
    const v = name.trim();
    const l = login.trim();
    if (need.name && !v) return setError({ field: 'name', text: t('firstRun.required') });
    if (need.login && !l) return setError({ field: 'login', text: t('firstRun.loginRequired', { server: t(`firstRun.server.${need.server}`) }) });
    if (need.login && ADMIN_LOGIN.test(l)) return setError({ field: 'login', text: t('firstRun.loginAdmin', { login: l }) });
    try {
      await api.call('settings.set', { ...(need.name ? { userName: v } : {}), ...(need.login ? { userLogin: l } : {}) });
      forgetTicketMeta();
      setNeed(null);
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
