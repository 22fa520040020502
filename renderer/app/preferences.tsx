import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallOutput } from '../../src/api/contract';
import type { PreferencesPatch } from '../../src/base/preferences-schema';
import { errorText } from '../components/Notice';
import { api } from '../api/client';
import { callQuery, queryClient, useCall } from '../api/queries';

type Settings = CallOutput<'settings.get'>;
interface PrefsContext {
  settings: Settings | null;
  error: string | null;
  update(patch: PreferencesPatch): Promise<void>;
}
const Ctx = createContext<PrefsContext>({ settings: null, error: null, update: async () => {} });

/** The cached preferences; `settings.changed` carries the new ones (api/stale-on-event.ts). */
export const useSettings = () => useCall('settings.get', undefined, { showsError: true });

/** Reads the preferences from the core and keeps the UI language in step with them. */
export function PreferencesProvider({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  const stored = useSettings();
  const settings = stored.data ?? null;
  const [updateError, setError] = useState<string | null>(null);
  const error = updateError ?? (stored.error ? errorText(stored.error, i18n.language) : null);

  const locale = settings?.values.locale;
  useEffect(() => {
    if (!locale) return;
    if (i18n.language !== locale) void i18n.changeLanguage(locale);
    document.documentElement.lang = locale;
  }, [i18n, locale]);

  const update = useCallback(
    async (patch: PreferencesPatch) => {
      try {
        setError(null);
        queryClient.setQueryData(callQuery('settings.get', undefined).queryKey, await api.call('settings.set', patch));
      } catch (err) {
        setError(errorText(err, i18n.language));
      }
    },
    [i18n],
  );

  return <Ctx.Provider value={{ settings, error, update }}>{children}</Ctx.Provider>;
}

export const usePreferences = () => useContext(Ctx);
