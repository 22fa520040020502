import { z } from 'zod';
import { formatMessage, localize, type MessageKey, type Param, type ParamsOf } from './messages';

/**
 * Typed errors that cross the contract. Every error carries a stable `code` the UI can
 * branch on, its parameters (the renderer words the message from code + parameters with the
 * `errors` i18next namespace, see `./messages`), the message in both UI languages for
 * readers without those resources (logs, older clients), and optional structured details
 * (e.g. which field was wrong). Never put a secret in any of them.
 */
export const localizedText = z.object({ fr: z.string(), en: z.string() });
export type LocalizedText = z.infer<typeof localizedText>;

/** A message parameter: a value, another message (by code) worded in the same language, or data in both languages. */
export const messageParam = z.union([z.string(), z.number(), z.object({ msg: z.string() }), localizedText]);
export type MessageParam = z.infer<typeof messageParam>;

export const errorSchema = z.object({
  code: z.string(),
  message: localizedText,
  params: z.record(z.string(), messageParam).optional(),
  details: z.unknown().optional(),
});
export type SerializedError = z.infer<typeof errorSchema>;

export class RelaisError extends Error {
  readonly code: string;
  readonly messages: LocalizedText;
  readonly details: unknown;
  /** Set for errors made with `RelaisError.of`: what the renderer words the message from. */
  params: Record<string, Param> | undefined;

  /** Prefer `RelaisError.of`: this form, with literal texts, is kept for code not yet converted. */
  constructor(code: string, messages: LocalizedText, details?: unknown) {
    super(messages.en);
    this.name = 'RelaisError';
    this.code = code;
    this.messages = messages;
    this.details = details;
  }

  /**
   * An error worded from `src/base/messages/{fr,en}.ts`. The key is the error code, or
   * `CODE_variant` (lower-case suffix) for a variant: the code stays `CODE` and the variant
   * travels as the i18next `context` parameter.
   */
  static of<K extends MessageKey>(key: K, ...rest: keyof ParamsOf<K> extends never ? [params?: Record<string, never>, details?: unknown] : [params: ParamsOf<K>, details?: unknown]): RelaisError {
    const [params, details] = rest as [Record<string, Param> | undefined, unknown];
    const m = /^(.*?)_([a-z]\w*)$/.exec(key);
    const err = new RelaisError(m ? m[1]! : key, (localize as (k: MessageKey, p?: Record<string, Param>) => LocalizedText)(key, params ?? {}), details);
    err.params = { ...(params ?? {}), ...(m ? { context: m[2]! } : {}) };
    return err;
  }

  toJSON(): SerializedError {
    return {
      code: this.code,
      message: this.messages,
      ...(this.params ? { params: this.params } : {}),
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

/** Errors shared by every feature. Features define their own codes beside their code. */
/**
 * Schema messages are written "français / English" (one string for both); an error shows the
 * reader's half only, never both languages mixed. Other messages are kept whole.
 */
export function inLanguage(message: string, lang: 'fr' | 'en'): string {
  const parts = message.split(' / ');
  return parts.length === 2 ? parts[lang === 'fr' ? 0 : 1]!.trim() : message;
}

export const commonErrors = {
  unknownCall: (name: string) => RelaisError.of('UNKNOWN_CALL', { name: name.slice(0, 80) }),
  invalidInput: (issues: { path: string; message: string }[]) => {
    const listed = (lang: 'fr' | 'en') => issues.map((i) => (i.path ? `${i.path} — ${inLanguage(i.message, lang)}` : inLanguage(i.message, lang))).join(formatMessage(lang, 'ISSUES_SEPARATOR'));
    return RelaisError.of('INVALID_INPUT', { issues: { fr: listed('fr'), en: listed('en') } }, { issues });
  },
  /** `what` names the thing in both languages: a `NOUN_*` message key. */
  notFound: (what: MessageKey, id: string) => RelaisError.of('NOT_FOUND', { what: { msg: what }, id }, { id }),
  storageFull: () => RelaisError.of('STORAGE_FULL'),
  storageReadOnly: () => RelaisError.of('STORAGE_READONLY'),
  internal: () => RelaisError.of('INTERNAL'),
  locked: (what: string) => RelaisError.of('LOCKED_BY_POLICY', { key: what }, { key: what }),
};

/** Maps low-level failures (SQLite, file system) to errors a user can act on. */
export function toRelaisError(err: unknown): RelaisError {
  if (err instanceof RelaisError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return commonErrors.storageFull();
  if (typeof code === 'string' && (code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === 'EACCES' || code === 'EPERM'))
    return commonErrors.storageReadOnly();
  return commonErrors.internal();
}
