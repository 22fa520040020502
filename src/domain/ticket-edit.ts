import { z } from 'zod';
import { channelSchema, levelSchema, ticketTypeSchema } from './tickets';

/**
 * Corrections to a ticket after it was logged (wrong homonym, wrong PC, category, urgency
 * and impact, subject, type, channel). Only the fields given change; priority and SLA due
 * dates follow urgency and impact. Each change is recorded on the timeline ('edit') and
 * goes to the outbox like any other change.
 */
export const ticketEditSchema = z.strictObject({
  subject: z.string().trim().min(1).max(200).optional(),
  type: ticketTypeSchema.optional(),
  channel: channelSchema.optional(),
  categoryId: z.string().max(64).nullable().optional(),
  urgency: levelSchema.optional(),
  impact: levelSchema.optional(),
  /** A person of the directory, or a requester outside it (name and phone). */
  requester: z
    .union([
      z.strictObject({ personId: z.string().min(1).max(64) }),
      z.strictObject({ name: z.string().trim().min(1).max(200), phone: z.string().trim().max(40).default('') }),
    ])
    .optional(),
  /** The linked PCs; left out with a new directory requester, that person's PCs. */
  assetIds: z.array(z.string().max(64)).max(20).optional(),
});
export type TicketEdit = z.input<typeof ticketEditSchema>;

/** One line of an 'edit' timeline entry: display values, worded by the renderer. */
export interface EditChange {
  field: 'subject' | 'type' | 'channel' | 'category' | 'urgency' | 'impact' | 'priority' | 'requester' | 'assets';
  from: string | number | null;
  to: string | number | null;
}
