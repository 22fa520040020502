import { z } from 'zod';
import { statusSchema } from './tickets';
import { foldText } from './tickets';

/** A ticket as the caller panel and the duplicate warning list it. */
export const callerTicketSchema = z.object({
  id: z.string(),
  number: z.number().int(),
  subject: z.string(),
  status: statusSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  teamName: z.string().nullable(),
  requesterName: z.string(),
  /** Why it is listed: the same requester, or the same PC. */
  via: z.enum(['requester', 'asset']),
});
export type CallerTicket = z.infer<typeof callerTicketSchema>;

export const callerContextSchema = z.object({
  open: z.array(callerTicketSchema),
  recent: z.array(callerTicketSchema),
});

export const duplicatesSchema = z.object({
  /** Same requester or PC, similar subject, in the last days. */
  similar: z.array(callerTicketSchema),
  /** Similar calls from anyone in the last hour: many of them is an outage. */
  lastHour: z.array(callerTicketSchema),
  outage: z.boolean(),
});
export type Duplicates = z.infer<typeof duplicatesSchema>;

/** Calls alike within an hour from this many people: an outage ("incident majeur"). */
export const OUTAGE_THRESHOLD = 3;
export const DUPLICATE_DAYS = 7;

const STOP = new Set(['avec', 'dans', 'depuis', 'pour', 'plus', 'sans', 'sur', 'une', 'des', 'les', 'est', 'pas', 'que', 'qui', 'mon', 'son', 'ses', 'elle', 'il', 'ils', 'alors', 'mais', 'tout', 'tous', 'the', 'and', 'not']);

/** The words that tell what a call is about (folded, four letters or more, no filler). */
export function keywords(text: string): string[] {
  return [...new Set(foldText(text).split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 4 && !STOP.has(w)))];
}

/** Two texts are about the same thing when they share a keyword's stem (its first 5 letters). */
export function similarText(a: string, b: string): boolean {
  const stems = new Set(keywords(a).map((w) => w.slice(0, 5)));
  return keywords(b).some((w) => stems.has(w.slice(0, 5)));
}
