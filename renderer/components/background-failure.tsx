import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Notice } from './Notice';

/**
 * Failures of calls the user did not start by hand (a list loading, a live preview, a
 * refresh after an event). They have no form of their own to show an error in, so they
 * are never dropped silently: the last one is shown once in the shell until dismissed.
 */
type Listener = (err: unknown) => void;
const listeners = new Set<Listener>();
let last: unknown = null;

export function reportBackgroundFailure(err: unknown): void {
  last = err;
  console.warn('[relais] background call failed:', err);
  for (const l of listeners) l(err);
}

export function BackgroundFailure() {
  const { t } = useTranslation('common');
  const [error, setError] = useState<unknown>(last);
  useEffect(() => {
    listeners.add(setError);
    return () => void listeners.delete(setError);
  }, []);
  if (error === null) return null;
  return (
    <div className="background-failure" data-testid="background-failure">
      <Notice inline error={error} />
      <button
        type="button"
        onClick={() => {
          last = null;
          setError(null);
        }}
      >
        {t('dismiss')}
      </button>
    </div>
  );
}
