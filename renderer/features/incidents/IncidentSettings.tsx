import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallOutput } from '../../../src/api/contract';
import { api } from '../../api/client';
import { errorText, useTicketMeta } from '../ticket/ticket-meta';

type Config = CallOutput<'incidents.config'>;

/** Settings › Incidents de sécurité: the security team, the campaign window and the prepared answer. */
export function IncidentSettings() {
  const { t, i18n } = useTranslation('incidents');
  const lang = i18n.language === 'en' ? 'en' : 'fr';
  const meta = useTicketMeta();
  const [cfg, setCfg] = useState<Config | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    api.call('incidents.config').then(setCfg, (e) => setMessage({ ok: false, text: errorText(e, lang) }));
  }, [lang]);
  if (!cfg) return null;
  return (
    <form
      data-testid="incident-settings"
      onSubmit={(e) => {
        e.preventDefault();
        api.call('incidents.setConfig', cfg).then(
          (c) => {
            setCfg(c);
            setMessage({ ok: true, text: t('settings.saved') });
          },
          (err) => setMessage({ ok: false, text: errorText(err, lang) }),
        );
      }}
    >
      <fieldset className="card">
        <legend>{t('settings.title')}</legend>
        <label className="field">
          <span>{t('settings.team')}</span>
          <select value={cfg.team} onChange={(e) => setCfg({ ...cfg, team: e.target.value })} data-testid="incident-team">
            {(meta?.teams ?? []).map((team) => (
              <option key={team.id} value={team.name}>
                {team.name}
              </option>
            ))}
          </select>
        </label>
        <p className="muted">{t('settings.categories', { root: cfg.rootCategory, list: cfg.categories.map((c) => c.label[lang]).join(', ') })}</p>
        <label className="field">
          <span>{t('settings.window')}</span>
          <input type="number" min={1} max={336} value={cfg.campaignWindowHours} onChange={(e) => setCfg({ ...cfg, campaignWindowHours: Number(e.target.value) || 1 })} />
        </label>
        <label className="field">
          <span>{t('settings.answer')}</span>
          <textarea rows={3} maxLength={2000} value={cfg.campaignAnswer[lang]} onChange={(e) => setCfg({ ...cfg, campaignAnswer: { ...cfg.campaignAnswer, [lang]: e.target.value } })} />
        </label>
        <button type="submit" className="primary">
          {t('settings.save')}
        </button>
        {message && (
          <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok' : 'error'}>
            {message.text}
          </p>
        )}
      </fieldset>
    </form>
  );
}
