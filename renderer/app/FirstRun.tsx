import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { forgetTicketMeta } from '../features/ticket/ticket-meta';
import { errorText, Notice } from '../components/Notice';

/**
 * First run: who is at this console? Without a name the technician shown on tickets, the
 * timeline and the PDF is the system account ("root"). A bar, not a modal: a call may be
 * ringing, the operator answers it first and gives their name after.
 */
export function FirstRun() {
  const { t, i18n } = useTranslation('common');
  const [needed, setNeeded] = useState(false);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.call('settings.get').then((s) => setNeeded(!s.values.userName && !s.locked.includes('userName')), (err) => {
      setNeeded(true);
      setError(errorText(err, i18n.language));
    });
  }, [i18n.language]);
  if (!needed) return null;
  const save = async () => {
    const v = name.trim();
    if (!v) return setError(t('firstRun.required'));
    try {
      await api.call('settings.set', { userName: v });
      forgetTicketMeta();
      setNeeded(false);
    } catch (err) {
      setError(errorText(err, i18n.language));
    }
  };
  return (
    <form className="first-run" data-testid="first-run" onSubmit={(e) => { e.preventDefault(); void save(); }}>
      <label>
        <strong>{t('firstRun.title')}</strong> <span className="muted">{t('firstRun.why')}</span>{' '}
        <input data-testid="first-run-name" maxLength={120} value={name} onChange={(e) => setName(e.target.value)} placeholder={t('firstRun.placeholder')} aria-invalid={error ? true : undefined} />
      </label>
      <button type="submit" className="primary" data-testid="first-run-save">{t('firstRun.save')}</button>
      <Notice inline error={error} />
    </form>
  );
}
