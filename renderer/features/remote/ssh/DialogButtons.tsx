import { useTranslation } from 'react-i18next';

/** The confirm and cancel buttons that end the SSH dialogs and forms (submit first, Escape-like cancel second). */
export function DialogButtons({ submitLabel, disabled = false, onCancel }: { submitLabel: string; disabled?: boolean; onCancel(): void }) {
  const { t } = useTranslation('ssh');
  return (
    <div className="ssh-dialog-buttons">
      <button type="submit" className="primary" disabled={disabled}>
        {submitLabel}
      </button>
      <button type="button" onClick={onCancel}>
        {t('hostKey.cancel')}
      </button>
    </div>
  );
}
