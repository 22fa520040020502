import { useEffect, useState } from 'react';
import { keepPreviousData } from '@tanstack/react-query';
import type { CallInput, CallOutput } from '../../../src/api/contract';
import type { PriorityOverride } from '../../../src/domain/tickets';
import type { ClassifyInput } from '../../../src/domain/priority-rules';
import { useCall, useSettled } from '../../api/queries';

export type Explanation = CallOutput<'organisation.explain'>;
/** The call being typed, as the rules see it (urgency/impact: what the operator picked). */
type CallDraft = Omit<ClassifyInput, 'at' | 'override'>;

/**
 * The priority rules, live, for the call being typed: the core says what they would do
 * with this requester and category, the form shows the resulting urgency/impact and why.
 * Changing a level a rule set becomes the operator's override, sent with the call and
 * recorded on the ticket; changing another level only changes the rules' input.
 */
export function useCallRules(draft: CallDraft, setBase: (field: 'urgency' | 'impact', v: number) => void) {
  const [override, setOverride] = useState<PriorityOverride | null>(null);
  const { requesterId, categoryId, type, channel, urgency, impact } = draft;

  useEffect(() => setOverride(null), [requesterId]);
  // Asked once the form settles; the last explanation stays while the next one comes, and an
  // answer for an earlier state of the form is never shown for the current one.
  const input = useSettled(JSON.stringify({ requesterId, categoryId, type, channel, urgency, impact }), 60);
  const explanation: Explanation | null = useCall('organisation.explain', JSON.parse(input) as CallInput<'organisation.explain'>, { placeholderData: keepPreviousData }).data ?? null;

  const ruled = (field: 'urgency' | 'impact') => explanation?.outcome.applied.some((a) => a.effects.some((e) => e.kind === field)) ?? false;
  const shown = (field: 'urgency' | 'impact') => override?.[field] ?? (ruled(field) ? explanation!.outcome[field] : draft[field]);
  const change = (field: 'urgency' | 'impact', v: number) => {
    if (ruled(field)) setOverride((o) => ({ ...o, [field]: v }));
    else setBase(field, v);
  };
  return {
    explanation,
    override,
    urgency: shown('urgency'),
    impact: shown('impact'),
    change,
    clearOverride: () => setOverride(null),
    /** What logCall needs beside the operator's levels. */
    priorityOverride: override && Object.keys(override).length > 0 ? override : null,
  };
}
export type CallRules = ReturnType<typeof useCallRules>;
