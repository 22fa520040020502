/**
 * Credential vault and audit log. The renderer may send a secret (to store or replace it)
 * but never receives one: every output here is metadata.
 */
import { z } from 'zod';

export const secretKindSchema = z.enum(['password', 'passphrase', 'private-key', 'token', 'other']);

export const vaultEntrySchema = z.object({
  id: z.string(),
  label: z.string(),
  kind: secretKindSchema,
  backend: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type VaultEntry = z.infer<typeof vaultEntrySchema>;

export const auditRowSchema = z.object({
  seq: z.number().int(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  ticketId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});

export const auditStatusSchema = z.object({
  ok: z.boolean(),
  rows: z.number().int(),
  brokenAt: z.number().int().optional(),
});

export const secret = z.string().min(1).max(65_536);

