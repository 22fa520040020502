import { describe, expect, it } from 'vitest';
import { describeOutcome, type AppliedRule } from '../../../src/domain/priority-rules';

/**
 * The outcome of the priority rules is stored as facts; the same words serve the French
 * follow-up sent to the ITSM server and the console in the reader's language.
 */
describe('the priority rules’ outcome, worded in both languages', () => {
  const applied: AppliedRule[] = [
    {
      ruleId: 'r1',
      ruleName: 'Eau potable',
      stop: false,
      effects: [
        { kind: 'impact', how: 'set', from: 3, to: 5 },
        { kind: 'team', teamId: 't-infra' },
        { kind: 'sla', ttoMinutes: 30, ttrMinutes: 2880 },
      ],
    },
    { ruleId: 'r2', ruleName: 'Nuit', stop: true, effects: [] },
  ];
  const override = { ruleUrgency: 4, ruleImpact: 5, urgency: 4, impact: 2 };
  const teams = (id: string) => (id === 't-infra' ? 'Infrastructure technique' : id);

  it('in French, as the ITSM server receives it', () => {
    expect(describeOutcome({ applied, override }, 'fr', teams)).toEqual([
      "Eau potable : impact fixé à Très haute, attribué à l'équipe Infrastructure technique, délais : prise en charge 30 min, résolution 2 j",
      'Nuit : aucune modification',
      "Choix de l'opérateur : impact Basse au lieu de Très haute",
    ]);
  });

  it('in English, for an English reader of the same entry', () => {
    expect(describeOutcome({ applied, override }, 'en', teams)).toEqual([
      'Eau potable: impact set to Very high, assigned to team Infrastructure technique, targets: take charge 30 min, resolve 2 d',
      'Nuit: no change',
      "Operator's choice: impact Low instead of Very high",
    ]);
  });

  it('hours stay hours', () => {
    expect(describeOutcome({ applied: [{ ruleId: 'r', ruleName: 'R', stop: false, effects: [{ kind: 'sla', ttoMinutes: 120, ttrMinutes: 90 }] }], override: null }, 'en')).toEqual([
      'R: targets: take charge 2 h, resolve 90 min',
    ]);
  });
});
