import { useTranslation } from 'react-i18next';
import { usePreferences } from '../../app/preferences';
import { SyncSettings } from '../sync/SyncSettings';
import { SecuritySettings } from './SecuritySettings';
import { DirectoryImport } from '../directory/DirectoryImport';
import { IncidentSettings } from '../incidents/IncidentSettings';
import { PriorityRulesSettings } from '../organisation/PriorityRulesSettings';
import { TemplateSettings } from './TemplateSettings';

export function SettingsPage() {
  const { t } = useTranslation('common');
  const { settings, update, error } = usePreferences();
  const locked = (key: string) => settings?.locked.includes(key) ?? false;
  return (
    <section className="page" aria-labelledby="page-title">
      <h1 id="page-title">{t('nav.settings')}</h1>
      <fieldset className="card">
        <legend>{t('settings.general')}</legend>
        <label className="field">
          <span>{t('settings.language')}</span>
          <select
            data-testid="language"
            value={settings?.values.locale ?? 'fr'}
            disabled={!settings || locked('locale')}
            onChange={(e) => void update({ locale: e.target.value as 'fr' | 'en' })}
          >
            <option value="fr" lang="fr">Français</option>
            <option value="en" lang="en">English</option>
          </select>
        </label>
        <label className="field">
          <span>{t('settings.userName')}</span>
          <input
            defaultValue={settings?.values.userName ?? ''}
            key={settings?.values.userName ?? ''}
            disabled={!settings || locked('userName')}
            maxLength={120}
            onBlur={(e) => {
              const v = e.target.value.trim();
              if (v && v !== settings?.values.userName) void update({ userName: v });
            }}
          />
        </label>
        {settings?.policyFile && <p className="muted">{t('settings.policy', { file: settings.policyFile })}</p>}
        {error && <p role="alert" className="error">{error}</p>}
      </fieldset>
      <SyncSettings />
      <SecuritySettings />
      <IncidentSettings />
      <DirectoryImport />
      <PriorityRulesSettings />
      <TemplateSettings />
    </section>
  );
}
