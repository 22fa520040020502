import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { usePreferences } from '../../app/preferences';
import { SyncSettings } from '../sync/SyncSettings';
import { SecuritySettings } from './SecuritySettings';
import { DirectoryImport } from '../directory/DirectoryImport';
import { IncidentSettings } from '../incidents/IncidentSettings';
import { PriorityRulesSettings } from '../organisation/PriorityRulesSettings';
import { TemplateSettings } from './TemplateSettings';
import { TeamSettings } from './TeamSettings';
import { CategorySettings } from './CategorySettings';
import { PrioritySettings } from './PrioritySettings';
import { BusinessHoursSettings } from './BusinessHoursSettings';
import { SETTINGS_SECTIONS, isSettingsSection, settingsHref, type SettingsSection } from './sections';
import { Notice } from '../../components/Notice';
import { SelectField } from '../../components/SelectField';

/** Each language in its own name and language, whatever the UI's. */
const LANGUAGES = [
  { value: 'fr', label: 'Français', lang: 'fr' },
  { value: 'en', label: 'English', lang: 'en' },
];

/**
 * Settings, one section at a time: the list of sections on the left (links, so each has
 * its address and the browser's back works), the chosen one on the right. An unknown or
 * missing section opens "Général".
 */
export function SettingsPage({ section: requested }: { section?: string }) {
  const { t } = useTranslation('common');
  const { t: ts } = useTranslation('settings');
  const section: SettingsSection = isSettingsSection(requested) ? requested : 'general';
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    // Reached by a link: the section's title takes the focus (unless a field asked for it).
    if (requested && (!document.activeElement || document.activeElement === document.body || document.activeElement.closest('.settings-nav'))) heading.current?.focus();
  }, [requested, section]);
  return (
    <section className="page settings-page" aria-labelledby="page-title">
      <h1 id="page-title">{t('nav.settings')}</h1>
      <div className="settings-layout">
        <nav className="settings-nav" aria-label={ts('sections.label')}>
          <ul>
            {SETTINGS_SECTIONS.map((s) => (
              <li key={s}>
                <a href={settingsHref(s)} aria-current={s === section ? 'page' : undefined} data-testid={`settings-section-${s}`}>
                  {ts(`sections.${s}`)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="settings-body" data-testid={`settings-${section}`}>
          <h2 ref={heading} tabIndex={-1} data-testid="settings-heading">
            {ts(`sections.${section}`)}
          </h2>
          <SectionBody section={section} />
        </div>
      </div>
    </section>
  );
}

function SectionBody({ section }: { section: SettingsSection }) {
  switch (section) {
    case 'general':
      return <GeneralSettings />;
    case 'server':
      return <SyncSettings />;
    case 'security':
      return <SecuritySettings />;
    case 'teams':
      return <TeamSettings />;
    case 'categories':
      return <CategorySettings />;
    case 'priorities':
      return <PrioritySettings />;
    case 'hours':
      return <BusinessHoursSettings year={new Date().getFullYear()} />;
    case 'rules':
      return <PriorityRulesSettings />;
    case 'templates':
      return <TemplateSettings />;
    case 'incidents':
      return <IncidentSettings />;
    case 'directory':
      return <DirectoryImport />;
  }
}

function GeneralSettings() {
  const { t } = useTranslation('common');
  const { settings, update, error } = usePreferences();
  const locked = (key: string) => settings?.locked.includes(key) ?? false;
  return (
    <fieldset className="card">
      <legend>{t('settings.general')}</legend>
      <SelectField
        label={t('settings.language')}
        data-testid="language"
        value={settings?.values.locale ?? 'fr'}
        disabled={!settings || locked('locale')}
        onChange={(e) => void update({ locale: e.target.value as 'fr' | 'en' })}
        options={LANGUAGES}
      />
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
      <Notice error={error} />
    </fieldset>
  );
}
