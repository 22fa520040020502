import { useTranslation } from 'react-i18next';
import type { Channel, TicketType } from '../../../src/domain/tickets';

const LEVELS = [1, 2, 3, 4, 5];
const CHANNELS = ['phone', 'email', 'walk_in', 'self_service'] as const;

/** Urgency or impact, 1 (très basse) to 5 (très haute): the call form's and the ticket editor's. */
export function LevelField({ field, value, onChange, testId }: { field: 'urgency' | 'impact'; value: number; onChange(v: number): void; testId: string }) {
  const { t } = useTranslation('hotline');
  return (
    <label className="field">
      <span>{t(`field.${field}`)}</span>
      <select data-testid={testId} value={value} onChange={(e) => onChange(Number(e.target.value))}>
        {LEVELS.map((l) => (
          <option key={l} value={l}>
            {l} — {t(`level.${l}`)}
          </option>
        ))}
      </select>
    </label>
  );
}

export function TypeField({ value, onChange, testId }: { value: TicketType; onChange(v: TicketType): void; testId?: string }) {
  const { t } = useTranslation('hotline');
  return (
    <label className="field">
      <span>{t('field.type')}</span>
      <select data-testid={testId} value={value} onChange={(e) => onChange(e.target.value as TicketType)}>
        <option value="incident">{t('type.incident')}</option>
        <option value="request">{t('type.request')}</option>
      </select>
    </label>
  );
}

export function ChannelField({ value, onChange, testId }: { value: Channel; onChange(v: Channel): void; testId?: string }) {
  const { t } = useTranslation('hotline');
  return (
    <label className="field">
      <span>{t('field.channel')}</span>
      <select data-testid={testId} value={value} onChange={(e) => onChange(e.target.value as Channel)}>
        {CHANNELS.map((c) => (
          <option key={c} value={c}>
            {t(`channel.${c}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
