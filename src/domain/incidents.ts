import { z } from 'zod';
import { logCallInputSchema } from './tickets';

/**
 * Security incidents reported to the hotline ("signalement sécurité"): the rules shared by
 * the core and the renderer (pure: zod + TypeScript only).
 *
 * A security incident is an ordinary ticket whose category sits under the security root
 * category ("Sécurité" by default). The category is what travels to the ITSM server, so
 * every console that pulls the ticket shows the red banner too, without any extra field.
 */

/** The root category under which every security category lives (configurable). */
export const DEFAULT_SECURITY_ROOT = 'Sécurité';
/** The team security incidents are routed to (configurable). */
export const DEFAULT_SECURITY_TEAM = 'Infrastructure technique';
/** Highest priority of the ITIL scale ("Majeure"). */
export const MAX_PRIORITY = 6;

export const securityCategoryKeySchema = z.string().regex(/^[a-z][a-z0-9_]{1,31}$/);

export const securityCategorySchema = z.strictObject({
  key: securityCategoryKeySchema,
  /** The child category's name under the security root (as on the ITSM server). */
  name: z.string().trim().min(1).max(80),
  label: z.strictObject({ fr: z.string().min(1).max(80), en: z.string().min(1).max(80) }),
});
export type SecurityCategory = z.infer<typeof securityCategorySchema>;

export const DEFAULT_SECURITY_CATEGORIES: SecurityCategory[] = [
  { key: 'phishing', name: 'Hameçonnage', label: { fr: 'Hameçonnage', en: 'Phishing' } },
  { key: 'ransomware', name: 'Rançongiciel suspecté', label: { fr: 'Rançongiciel suspecté', en: 'Suspected ransomware' } },
  { key: 'compromised_account', name: 'Compte compromis', label: { fr: 'Compte compromis', en: 'Compromised account' } },
  { key: 'unknown_media', name: 'Support amovible inconnu', label: { fr: 'Support amovible inconnu', en: 'Unknown removable media' } },
  { key: 'abnormal_behaviour', name: 'Comportement anormal', label: { fr: 'Comportement anormal', en: 'Abnormal behaviour' } },
  { key: 'data_leak', name: 'Fuite de données', label: { fr: 'Fuite de données', en: 'Data leak' } },
];

export const incidentConfigSchema = z.strictObject({
  rootCategory: z.string().trim().min(1).max(80).default(DEFAULT_SECURITY_ROOT),
  team: z.string().trim().min(1).max(80).default(DEFAULT_SECURITY_TEAM),
  categories: z.array(securityCategorySchema).min(1).max(20).default(DEFAULT_SECURITY_CATEGORIES),
  /** How long reports keep joining a phishing campaign after its last report. */
  campaignWindowHours: z.number().int().min(1).max(24 * 14).default(48),
  /** The answer the hotline reads to the next caller of an ongoing campaign. */
  campaignAnswer: z.strictObject({ fr: z.string().min(1).max(2000), en: z.string().min(1).max(2000) }).default({
    fr: "Ce message est une tentative d'hameçonnage déjà signalée. Ne cliquez sur aucun lien, n'ouvrez pas la pièce jointe, supprimez le message. Si vous avez cliqué ou saisi votre mot de passe, dites-le maintenant : nous bloquons le compte.",
    en: 'This message is a phishing attempt already reported. Do not click any link or open the attachment, delete the message. If you clicked or typed your password, say so now: we lock the account.',
  }),
});
export type IncidentConfig = z.infer<typeof incidentConfigSchema>;
export const DEFAULT_INCIDENT_CONFIG: IncidentConfig = incidentConfigSchema.parse({});

/** Whether a category's full name ("Sécurité > Rançongiciel suspecté") marks a security incident. */
export function isSecurityCategory(categoryFullName: string | null | undefined, root = DEFAULT_SECURITY_ROOT): boolean {
  if (!categoryFullName) return false;
  const top = categoryFullName.split('>')[0]!.trim().toLocaleLowerCase('fr');
  return top === root.trim().toLocaleLowerCase('fr');
}

/** Full name of a security category as the category tree stores it. */
export const securityCategoryFullName = (root: string, name: string) => `${root} > ${name}`;

// ------------------------------------------------------------------ incident state

export const incidentStateSchema = z.enum(['open', 'contained', 'closed']);
export type IncidentState = z.infer<typeof incidentStateSchema>;

export const incidentSchema = z.object({
  ticketId: z.string(),
  number: z.number().int(),
  subject: z.string(),
  categoryKey: z.string(),
  categoryName: z.string().nullable(),
  state: incidentStateSchema,
  ticketStatus: z.number().int(),
  requesterName: z.string(),
  reportedAt: z.string(),
  reportedBy: z.string(),
  /** When the PC was isolated (the isolation tool succeeded). */
  containedAt: z.string().nullable(),
  /** From the first call to isolation, in milliseconds. */
  timeToContainmentMs: z.number().nullable(),
  breachSuspectedAt: z.string().nullable(),
  breachDeadline: z.string().nullable(),
  campaignId: z.string().nullable(),
  evidenceCount: z.number().int(),
});
export type Incident = z.infer<typeof incidentSchema>;

export const evidenceSchema = z.object({
  id: z.string(),
  ticketId: z.string(),
  runId: z.string().nullable(),
  toolId: z.string().nullable(),
  label: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int(),
  collectedAt: z.string(),
  collectedBy: z.string(),
});
export type Evidence = z.infer<typeof evidenceSchema>;

// ------------------------------------------------------------------ GDPR art. 33 clock

/** The supervisory authority must be notified within 72 hours of becoming aware of a breach. */
export const BREACH_NOTIFICATION_HOURS = 72;

export interface BreachClock {
  deadline: string;
  remainingMs: number;
  overdue: boolean;
}

export function breachClock(suspectedAt: string, now: Date): BreachClock {
  const deadline = new Date(new Date(suspectedAt).getTime() + BREACH_NOTIFICATION_HOURS * 3600_000);
  const remainingMs = deadline.getTime() - now.getTime();
  return { deadline: deadline.toISOString(), remainingMs, overdue: remainingMs <= 0 };
}

/** "47 h 05 min" — hours and minutes left (or late by). */
export function formatRemaining(ms: number): string {
  const abs = Math.abs(ms);
  const h = Math.floor(abs / 3600_000);
  const m = Math.floor((abs % 3600_000) / 60_000);
  return `${h} h ${String(m).padStart(2, '0')} min`;
}

/** Time to containment, from first call to isolation (null while not contained). */
export function timeToContainment(reportedAt: string, containedAt: string | null): number | null {
  if (!containedAt) return null;
  return Math.max(0, new Date(containedAt).getTime() - new Date(reportedAt).getTime());
}

// ------------------------------------------------------------------ tools of the first response

/** Tools whose success means the PC is contained (cut off the network but for management). */
export const ISOLATION_TOOLS: readonly string[] = ['win-isolate-pc', 'linux-isolate-host'];
/** The first-response checklist of each OS. */
export const RANSOMWARE_CHECKLISTS = { windows: 'rancongiciel-premiers-gestes', linux: 'rancongiciel-premiers-gestes-linux' } as const;

/**
 * The call as a security report receives it: the call form's fields, where subject and
 * description may both be empty (the agent is in a hurry: the category says what it is).
 */
export const securityCallSchema = z
  .strictObject(logCallInputSchema.shape)
  .refine((v) => v.requesterId !== null || v.requesterName.length > 0, { message: 'requester required', path: ['requesterName'] });
