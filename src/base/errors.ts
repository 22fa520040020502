import { z } from 'zod';

/**
 * Typed errors that cross the contract. Every error carries a stable `code` the UI can
 * branch on, a human message in both UI languages (the renderer picks one), and optional
 * structured details (e.g. which field was wrong). Never put a secret in any of them.
 */
export const localizedText = z.object({ fr: z.string(), en: z.string() });
export type LocalizedText = z.infer<typeof localizedText>;

export const errorSchema = z.object({
  code: z.string(),
  message: localizedText,
  details: z.unknown().optional(),
});
export type SerializedError = z.infer<typeof errorSchema>;

export class RelaisError extends Error {
  readonly code: string;
  readonly messages: LocalizedText;
  readonly details: unknown;

  constructor(code: string, messages: LocalizedText, details?: unknown) {
    super(messages.en);
    this.name = 'RelaisError';
    this.code = code;
    this.messages = messages;
    this.details = details;
  }

  toJSON(): SerializedError {
    return this.details === undefined
      ? { code: this.code, message: this.messages }
      : { code: this.code, message: this.messages, details: this.details };
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
  unknownCall: (name: string) =>
    new RelaisError('UNKNOWN_CALL', {
      fr: `Opération inconnue : « ${name.slice(0, 80)} ».`,
      en: `Unknown operation: "${name.slice(0, 80)}".`,
    }),
  invalidInput: (issues: { path: string; message: string }[]) =>
    new RelaisError(
      'INVALID_INPUT',
      {
        fr: `Données invalides : ${issues.map((i) => (i.path ? `${i.path} — ${inLanguage(i.message, 'fr')}` : inLanguage(i.message, 'fr'))).join(' ; ')}. Corrigez le champ indiqué puis réessayez.`,
        en: `Invalid data: ${issues.map((i) => (i.path ? `${i.path} — ${inLanguage(i.message, 'en')}` : inLanguage(i.message, 'en'))).join('; ')}. Fix the field shown and try again.`,
      },
      { issues },
    ),
  notFound: (what: { fr: string; en: string }, id: string) =>
    new RelaisError('NOT_FOUND', { fr: `${what.fr} introuvable (${id}).`, en: `${what.en} not found (${id}).` }, { id }),
  storageFull: () =>
    new RelaisError('STORAGE_FULL', {
      fr: "Le disque est plein : rien n'a été enregistré. Libérez de l'espace puis réessayez ; votre saisie est conservée.",
      en: 'The disk is full: nothing was saved. Free some space and try again; your input is kept.',
    }),
  storageReadOnly: () =>
    new RelaisError('STORAGE_READONLY', {
      fr: "Le dossier de données est en lecture seule : rien n'a été enregistré. Vérifiez les droits du dossier puis réessayez ; votre saisie est conservée.",
      en: 'The data folder is read-only: nothing was saved. Check the folder permissions and try again; your input is kept.',
    }),
  internal: () =>
    new RelaisError('INTERNAL', {
      fr: "Erreur interne inattendue : l'opération n'a pas été effectuée. Réessayez ; si le problème persiste, signalez-le.",
      en: 'Unexpected internal error: the operation was not carried out. Try again; if it persists, report it.',
    }),
  locked: (what: string) =>
    new RelaisError(
      'LOCKED_BY_POLICY',
      {
        fr: `Ce réglage est imposé par la politique de l'organisation (${what}) et ne peut pas être modifié ici.`,
        en: `This setting is enforced by the organisation's policy (${what}) and cannot be changed here.`,
      },
      { key: what },
    ),
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
