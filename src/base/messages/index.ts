/**
 * Core messages as data: a key and parameters, worded in French or English from `fr.ts` and
 * `en.ts`. The renderer loads the same objects into i18next (`errors` namespace), so what the
 * core words and what the UI words from the code are the same text.
 */
import { en } from './en';
import { fr } from './fr';

export { en, fr };
export type MessageKey = keyof typeof fr;
export type Lang = 'fr' | 'en';
export const messages: Record<Lang, Record<MessageKey, string>> = { fr, en };

/** The parameter names a text uses: `{{name}}` → 'name'. */
type Placeholders<S extends string> = S extends `${string}{{${infer P}}}${infer Rest}` ? P | Placeholders<Rest> : never;

/**
 * A parameter: a value; another message (a noun such as `NOUN_RUN`) worded in the same
 * language; or data that exists in both languages (a tool's label from the catalog).
 */
export type Param = string | number | { msg: MessageKey } | { fr: string; en: string };
export type ParamsOf<K extends MessageKey> = { [P in Placeholders<(typeof fr)[K]>]: Param };

const PLACEHOLDER = /\{\{\s*(\w+)\s*\}\}/g;

/** The names of the parameters a text uses (tests compare the two languages with it). */
export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!).sort();
}

export function formatMessage(lang: Lang, key: MessageKey, params: Record<string, Param> = {}): string {
  return messages[lang][key].replace(PLACEHOLDER, (_, name: string) => {
    const v = params[name];
    if (v === undefined) return '';
    if (typeof v !== 'object') return String(v);
    return 'msg' in v ? messages[lang][v.msg] : v[lang];
  });
}

/** Both languages of a message, for fields that carry `{ fr, en }` (errors, events, stored reasons). */
export function localize<K extends MessageKey>(key: K, ...params: keyof ParamsOf<K> extends never ? [] : [ParamsOf<K>]): { fr: string; en: string } {
  const p = (params[0] ?? {}) as Record<string, Param>;
  return { fr: formatMessage('fr', key, p), en: formatMessage('en', key, p) };
}
