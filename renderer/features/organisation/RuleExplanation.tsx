import { useTranslation } from 'react-i18next';
import { describeAppliedRule, describeOverride, type Lang } from '../../../src/domain/priority-rules';
import type { Team } from '../../../src/domain/tickets';
import { TierBadge } from './TierBadge';
import type { CallRules } from './useCallRules';
import './organisation.css';

/**
 * Under the call form's levels: which priority rule applied and why ("Service vital :
 * urgence relevée à Haute"), or that the operator overrode it. Announced politely to
 * screen readers, since it changes as the requester is picked.
 */
export function RuleExplanation({ rules, teams }: { rules: CallRules; teams: readonly Team[] }) {
  const { t, i18n } = useTranslation('organisation');
  const e = rules.explanation;
  const lang: Lang = i18n.language.startsWith('en') ? 'en' : 'fr';
  const teamName = (id: string) => teams.find((x) => x.id === id)?.name ?? id;
  const applied = e?.outcome.applied ?? [];
  if (!e || (applied.length === 0 && e.tier === null)) return <div className="rule-explanation-slot" aria-live="polite" data-testid="rule-explanation" />;
  const override = rules.override && e ? { ruleUrgency: e.outcome.urgency, ruleImpact: e.outcome.impact, urgency: rules.urgency, impact: rules.impact } : null;
  return (
    <div className={`rule-explanation${override ? ' overridden' : ''}`} aria-live="polite" data-testid="rule-explanation">
      {e.tier !== null && <TierBadge tier={e.tier} />}{' '}
      {applied.length === 0 ? (
        <span>{t('rule.none')}</span>
      ) : (
        <>
          <strong>{t('rule.applied')}</strong>
          <ul>
            {applied.map((a) => (
              <li key={a.ruleId} data-testid="rule-reason">{describeAppliedRule(a, lang, teamName)}</li>
            ))}
          </ul>
        </>
      )}
      {override && (override.urgency !== override.ruleUrgency || override.impact !== override.ruleImpact) && (
        <p data-testid="rule-override">
          {describeOverride(override, lang)} — {t('rule.overridden')}{' '}
          <button type="button" onClick={rules.clearOverride}>{t('rule.restore')}</button>
        </p>
      )}
    </div>
  );
}
