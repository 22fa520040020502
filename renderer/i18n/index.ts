import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { messages as coreMessages } from '../../src/base/messages';

/**
 * One namespace per feature (`fr/<feature>.json`, `en/<feature>.json`); French is the
 * default and the fallback. The chosen language is a preference stored by the core.
 */
const files = import.meta.glob<{ default: Record<string, unknown> }>('./*/*.json', { eager: true });
const resources: Record<string, Record<string, Record<string, unknown>>> = {};
for (const [file, mod] of Object.entries(files)) {
  const [, lng, ns] = /\.\/(\w+)\/([\w-]+)\.json$/.exec(file) ?? [];
  if (!lng || !ns) continue;
  (resources[lng] ??= {})[ns] = mod.default;
}

// The core's error and notice texts, worded from code + parameters (renderer/components/Notice.tsx).
for (const lng of ['fr', 'en'] as const) (resources[lng] ??= {}).errors = coreMessages[lng];

export const namespaces = [...new Set(Object.values(resources).flatMap((r) => Object.keys(r)))];

void i18next.use(initReactI18next).init({
  resources,
  lng: 'fr',
  fallbackLng: 'fr',
  ns: namespaces,
  defaultNS: 'common',
  interpolation: { escapeValue: false },
  returnNull: false,
});

export default i18next;
