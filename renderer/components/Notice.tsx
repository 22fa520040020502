import { useCallback, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import i18next from 'i18next';
import { ContractError } from '../../src/api/client';

/**
 * The one way the UI shows an error or a notice. Errors from the core are worded in the
 * reader's language from their code and parameters (the `errors` namespace, shared with the
 * core); anything else says it was unexpected rather than showing a stack or "[object Object]".
 */
export function errorText(err: unknown, lang: string): string {
  if (err instanceof ContractError) {
    const worded = wordedFromCode(err, lang);
    return worded ?? err.text(lang);
  }
  if (typeof err === 'string') return err;
  return lang.startsWith('en') ? 'Unexpected error: try again.' : 'Erreur inattendue : réessayez.';
}

function wordedFromCode(err: ContractError, lang: string): string | null {
  if (!err.params) return null;
  const lng = lang.startsWith('en') ? 'en' : 'fr';
  const key = `errors:${err.code}`;
  // A variant (`CODE_variant`) may have no text of its own under `CODE`: look it up with its context.
  const context = typeof err.params.context === 'string' ? err.params.context : undefined;
  if (!i18next.exists(key, { lng, context })) return null;
  const params: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(err.params)) params[k] = typeof v !== 'object' ? v : 'msg' in v ? (i18next.t(`errors:${v.msg}`, { lng }) as string) : v[lng];
  return i18next.t(key, { ...params, lng, interpolation: { escapeValue: false } }) as string;
}

/** A text the core sends in both languages (event reasons, stored outcomes), in the reader's. */
export function localized(text: { fr: string; en: string }, lang: string): string {
  return lang.startsWith('en') ? text.en : text.fr;
}

/** `errorText` bound to the UI's current language. */
export function useErrorText(): (err: unknown) => string {
  const { i18n } = useTranslation();
  const lang = i18n.language;
  return useCallback((err: unknown) => errorText(err, lang), [lang]);
}

type Tone = 'error' | 'warn' | 'info' | 'success';

/**
 * An error (`error`, worded with `errorText`) or a notice (`children`). Errors and warnings
 * are announced at once (role="alert"), the others politely (role="status"). Renders
 * nothing when there is nothing to say, so callers write `<Notice error={error} />`.
 */
export function Notice({
  error,
  children,
  tone,
  inline = false,
  className,
  testId,
  data,
}: {
  error?: unknown;
  children?: ReactNode;
  tone?: Tone;
  /** A span inside a line of controls rather than a paragraph of its own. */
  inline?: boolean;
  className?: string;
  testId?: string;
  /** Extra `data-*` attributes (a state a test or a style reads). */
  data?: Record<`data-${string}`, string>;
}) {
  const text = useErrorText();
  const hasError = error !== null && error !== undefined && error !== '';
  if (!hasError && (children === null || children === undefined || children === false || children === '')) return null;
  const t: Tone = tone ?? (hasError ? 'error' : 'info');
  const role = t === 'error' || t === 'warn' ? 'alert' : 'status';
  const cls = [t === 'error' ? 'error' : t === 'warn' ? 'warn' : t === 'success' ? 'ok' : 'muted', 'notice', className].filter(Boolean).join(' ');
  const body = hasError ? text(error) : children;
  return inline ? (
    <span role={role} className={cls} data-testid={testId} {...data}>
      {body}
    </span>
  ) : (
    <p role={role} className={cls} data-testid={testId} {...data}>
      {body}
    </p>
  );
}
