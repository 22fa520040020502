import { useCallback, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText, Notice } from './Notice';

/** How the last change went: `busy` while it runs, then the sentence to show (what was done, or what to fix). */
export type ChangeState = { kind: 'ok' | 'error' | 'busy'; text: string };

/**
 * Runs one change and says how it went: `ok` carries the sentence to show, `error` the
 * core's own message in the user's language (it names the field and what to do).
 */
export function useChange(lang: string) {
  const [state, setState] = useState<ChangeState | null>(null);
  const run = useCallback(
    async <T,>(fn: () => Promise<T>, ok: (v: T) => string): Promise<T | null> => {
      setState({ kind: 'busy', text: '' });
      try {
        const v = await fn();
        setState({ kind: 'ok', text: ok(v) });
        return v;
      } catch (e) {
        setState({ kind: 'error', text: errorText(e, lang) });
        return null;
      }
    },
    [lang],
  );
  return { state, run, clear: () => setState(null) };
}

/**
 * The sentence after a change: a polite status when it worked, an alert naming what to fix
 * when not. One test id for both, or one per outcome.
 */
export function ChangeNotice({ state, testId }: { state: ChangeState | null; testId: string | { ok: string; error: string } }) {
  if (!state || state.kind === 'busy') return null;
  return (
    <Notice tone={state.kind === 'ok' ? 'success' : 'error'} testId={typeof testId === 'string' ? testId : testId[state.kind]}>
      {state.text}
    </Notice>
  );
}

/**
 * The foot of an editor that saves as a whole: Save (off while saving), the editor's own
 * buttons, and while something differs from what is saved, a word saying so and a button
 * that puts the saved values back; then how the last save went.
 */
export type SaveBarProps = {
  label: string;
  /** The Save button's; the discard button's is `<testId>-discard`. */
  testId: string;
  onSave(): void;
  state: ChangeState | null;
  noticeTestId: string | { ok: string; error: string };
  dirty?: boolean;
  onDiscard?(): void;
  /** More buttons beside Save. */
  children?: ReactNode;
};

export function SaveBar({ label, testId, onSave, state, noticeTestId, dirty = false, onDiscard, children }: SaveBarProps) {
  const { t } = useTranslation('common');
  return (
    <>
      <div className="actions">
        <button type="button" className="primary" data-testid={testId} disabled={state?.kind === 'busy'} onClick={onSave}>
          {label}
        </button>
        {children}
        {dirty && onDiscard && (
          <button type="button" data-testid={`${testId}-discard`} onClick={onDiscard}>
            {t('saveBar.discard')}
          </button>
        )}
        {dirty && (
          <span className="muted" data-testid={`${testId}-dirty`}>
            {t('saveBar.unsaved')}
          </span>
        )}
      </div>
      <ChangeNotice state={state} testId={noticeTestId} />
    </>
  );
}
