/**
 * SSH sessions: connection profiles, host-key trust prompts, terminal channels (data as
 * events with acknowledgements for flow control), SFTP transfers and the trust store.
 * No call ever returns a secret; a one-time password may be sent to the core.
 */
import { z } from 'zod';
import { isSafeText, singleLineName } from '../base/text';

const id = z.string().min(1).max(64);
export const hostName = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9._:[\]-]+$/, 'host name or IP address');
export const port = z.number().int().min(1).max(65535);
const userName = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[^\s:@/\\]+$/, 'user name without spaces, @ or :')
  .refine(isSafeText, 'printable user name');

export const sshAuthSchema = z.enum(['key', 'agent', 'password', 'keyboard-interactive']);
export type SshAuth = z.infer<typeof sshAuthSchema>;

/** A hop: a profile id or name, or `user@host:port` (auth inherited from the target). */
export const jumpSpecSchema = singleLineName(300);

export const profileInputSchema = z.strictObject({
  name: singleLineName(120),
  host: hostName,
  port: port.default(22),
  username: userName,
  auth: sshAuthSchema,
  /** Private key path on this computer (auth "key"). */
  keyFile: z.string().trim().max(1024).refine(isSafeText, { message: 'Chemin sur une seule ligne / Single-line path' }).nullable().default(null),
  /** Vault entry: password, or the key's passphrase. */
  credentialId: id.nullable().default(null),
  jump: z.array(jumpSpecSchema).max(5).default([]),
  assetId: id.nullable().default(null),
});
export type ProfileInput = z.output<typeof profileInputSchema>;

export const profileSchema = z.object({
  id: z.string(),
  name: z.string(),
  host: z.string(),
  port: z.number().int(),
  username: z.string(),
  auth: sshAuthSchema,
  keyFile: z.string().nullable(),
  credentialId: z.string().nullable(),
  jump: z.array(z.string()),
  assetId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SshProfile = z.infer<typeof profileSchema>;

export const hostKeyPromptSchema = z.object({
  promptId: z.string(),
  host: z.string(),
  port: z.number().int(),
  keyType: z.string(),
  fingerprint: z.string(),
  /** Which hop of the route (0 = first jump host or the target when direct). */
  hop: z.number().int(),
});

export const sessionSchema = z.object({
  sessionId: z.string(),
  connectionId: z.string(),
  profileId: z.string().nullable(),
  ticketId: z.string().nullable(),
  target: z.string(),
  username: z.string(),
  startedAt: z.string(),
  state: z.enum(['open', 'dropped', 'closed']),
  /** Whether this terminal reused an already authenticated connection. */
  reused: z.boolean(),
});
export type SshSession = z.infer<typeof sessionSchema>;

export const openResultSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('open'), session: sessionSchema }),
  z.object({ status: z.literal('hostKey'), prompt: hostKeyPromptSchema }),
  z.object({ status: z.literal('cancelled') }),
]);

export const size = { cols: z.number().int().min(10).max(1000).default(80), rows: z.number().int().min(2).max(500).default(24) };

export const openInputSchema = z.strictObject({
  profileId: id,
  ticketId: id.nullable().default(null),
  /** Typed at connection time, used once, never stored. */
  password: z.string().max(4096).optional(),
  ...size,
});

export const trustedKeySchema = z.object({
  host: z.string(),
  port: z.number().int(),
  keyType: z.string(),
  fingerprint: z.string(),
  source: z.enum(['relais', 'known_hosts']),
  addedAt: z.string().nullable(),
  addedBy: z.string().nullable(),
});

export const transferSchema = z.object({
  transferId: z.string(),
  direction: z.enum(['upload', 'download']),
  localPath: z.string(),
  remotePath: z.string(),
  bytes: z.number(),
  total: z.number(),
  bytesPerSec: z.number(),
  state: z.enum(['running', 'done', 'cancelled', 'failed']),
  error: z.object({ fr: z.string(), en: z.string() }).optional(),
});

export const transferInput = z.strictObject({
  sessionId: id,
  localPath: z.string().min(1).max(4096),
  remotePath: z.string().min(1).max(4096),
});

/** The payloads of the events this feature emits (the contract wraps them as events). */
export const sshEventPayloads = {
  /** Terminal output (UTF-8 text); `bytes` counts raw bytes for acknowledgements. */
  'ssh.data': z.object({ sessionId: z.string(), data: z.string(), bytes: z.number().int() }),
  'ssh.status': z.object({
    sessionId: z.string(),
    state: z.enum(['open', 'dropped', 'closed']),
    reason: z.object({ fr: z.string(), en: z.string() }).optional(),
  }),
  /** Flow control: the channel was paused (too much output unacknowledged) or resumed. */
  'ssh.flow': z.object({ sessionId: z.string(), state: z.enum(['paused', 'resumed']), unacked: z.number().int() }),
  'ssh.transfer': transferSchema,
  'ssh.profilesChanged': z.object({}),
  'ssh.hostKeysChanged': z.object({}),
} as const;
export type SshEvents = { [K in keyof typeof sshEventPayloads]: z.output<(typeof sshEventPayloads)[K]> };
