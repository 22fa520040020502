import { useTranslation } from 'react-i18next';

/** The status bar's sync part: changes waiting to sync (the sync feature fills this in). */
export function SyncStatus() {
  const { t } = useTranslation('common');
  return <span data-testid="pending-count">{t('status.pending', { count: 0 })}</span>;
}
