import { z } from 'zod';
import { directoryHitSchema } from './directory';
import { channelSchema, levelSchema, ticketTypeSchema } from './tickets';

/**
 * A call being logged, as the call form holds it: what was typed so far (nothing is
 * required yet) and who the caller is. Shared by the core, which stores it, and the form.
 */
export const draftRequesterSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('directory'), hit: directoryHitSchema }),
    z.object({ kind: z.literal('free'), name: z.string().max(200), phone: z.string().max(40) }),
  ])
  .nullable();

export const callDraftFormSchema = z.object({
  requester: draftRequesterSchema.default(null),
  subject: z.string().max(200).default(''),
  description: z.string().max(20_000).default(''),
  type: ticketTypeSchema.default('incident'),
  channel: channelSchema.default('phone'),
  categoryId: z.string().max(64).default(''),
  urgency: levelSchema.default(3),
  impact: levelSchema.default(3),
});
export type CallDraftForm = z.infer<typeof callDraftFormSchema>;

export const callDraftSchema = z.object({
  id: z.string(),
  author: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** When the operator picked up (first keystroke or "Décrocher"); null: not started. */
  startedAt: z.string().nullable(),
  form: callDraftFormSchema,
});
export type CallDraft = z.infer<typeof callDraftSchema>;

/** The caller's name as a list of drafts shows it ("" when none yet). */
export function draftCallerName(form: CallDraftForm): string {
  const r = form.requester;
  if (!r) return '';
  if (r.kind === 'free') return r.name || r.phone;
  const p = r.hit.person;
  return p ? `${p.firstName} ${p.lastName}`.trim() : (r.hit.asset?.name ?? '');
}

/** Seconds the call has lasted at `now` (0 before pick-up). */
export function draftElapsedSec(startedAt: string | null, now: number): number {
  if (!startedAt) return 0;
  return Math.max(0, Math.floor((now - Date.parse(startedAt)) / 1000));
}
