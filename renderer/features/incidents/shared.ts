import { useTranslation } from 'react-i18next';
import type { CallInput } from '../../../src/api/contract';
import { formatRemaining } from '../../../src/domain/incidents';

export type CallFields = CallInput<'incidents.report'>['call'];

/** "12 min", "2 h 05 min": a duration for the register and the banners. */
export function useDurationText(): (ms: number | null) => string {
  const { t } = useTranslation('incidents');
  return (ms) => (ms === null ? t('notContained') : ms < 3600_000 ? t('minutes', { count: Math.max(0, Math.round(ms / 60_000)) }) : formatRemaining(ms));
}

export function timeOf(iso: string, lang: string): string {
  return new Date(iso).toLocaleTimeString(lang === 'en' ? 'en-GB' : 'fr-FR', { hour: '2-digit', minute: '2-digit' });
}
