import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallOutput } from '../../../src/api/contract';
import { api } from '../../api/client';
import { callQuery, queryClient, useCall } from '../../api/queries';
import { Notice } from '../../components/Notice';
import { errorText, useTicketMeta } from '../ticket/ticket-meta';

type Config = CallOutput<'incidents.config'>;

/** Settings › Incidents de sécurité: the security team, the campaign window and the prepared answer. */
export function IncidentSettings() {
  const { t, i18n } = useTranslation('incidents');
  const lang = i18n.language === 'en' ? 'en' : 'fr';
  const meta = useTicketMeta();
  const saved = useCall('incidents.config', undefined, { showsError: true });
  // What the form shows: the operator's edits over the saved configuration.
  const [edited, setCfg] = useState<Config | null>(null);
  const cfg = edited ?? saved.data;
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  if (saved.error && !cfg) return <Notice error={saved.error} testId="incident-settings-error" />;
  if (!cfg) return null;
  return (
    <form
      data-testid="incident-settings"
      onSubmit={(e) => {
        e.preventDefault();
        api.call('incidents.setConfig', cfg).then(
          (c) => {
            queryClient.setQueryData(callQuery('incidents.config', undefined).queryKey, c);
            setCfg(null);
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
