import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../../api/client';
import { Notice } from '../../../components/Notice';

/** Imports the profiles of ~/.ssh/config; says how many were imported and skipped. */
export function ImportConfig({ onError }: { onError(e: unknown): void }) {
  const { t } = useTranslation('ssh');
  const [done, setDone] = useState<string | null>(null);
  return (
    <>
      <button
        type="button"
        onClick={() =>
          void api.call('ssh.importConfig').then(
            (r) => setDone(t('profiles.imported', { count: r.imported.length, skipped: r.skipped.length })),
            onError,
          )
        }
      >
        {t('profiles.import')}
      </button>
      <Notice inline>{done}</Notice>
    </>
  );
}
