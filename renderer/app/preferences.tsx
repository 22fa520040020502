import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallOutput } from '../../src/api/contract';
import type { PreferencesPatch } from '../../src/base/preferences-schema';
import { errorText } from '../components/Notice';
import { api } from '../api/client';

type Settings = CallOutput<'settings.get'>;
interface PrefsContext {
  settings: Settings | null;
  error: string | null;
  update(patch: PreferencesPatch): Promise<void>;
}
const Ctx = createContext<PrefsContext>({ settings: null, error: null, update: async () => {} });

/** Loads the preferences from the core and keeps the UI language in step with them. */
export function PreferencesProvider({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  const [settings, setSettings] = useState<Settings | null>(null);
  const [error, setError] = useState<string | null>(null);

  const apply = useCallback(
    (s: Settings) => {
      setSettings(s);
      if (i18n.language !== s.values.locale) void i18n.changeLanguage(s.values.locale);
      document.documentElement.lang = s.values.locale;
    },
    [i18n],
  );

  useEffect(() => {
    api.call('settings.get').then(apply, (err) => setError(errorText(err, i18n.language)));
    return api.on('settings.changed', apply);
  }, [apply, i18n.language]);

  const update = useCallback(
    async (patch: PreferencesPatch) => {
      try {
        setError(null);
        apply(await api.call('settings.set', patch));
      } catch (err) {
        setError(errorText(err, i18n.language));
      }
    },
    [apply, i18n],
  );

  return <Ctx.Provider value={{ settings, error, update }}>{children}</Ctx.Provider>;
}

export const usePreferences = () => useContext(Ctx);
