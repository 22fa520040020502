import { z } from 'zod';
import { call, eventsOf } from '../contract-kit';
import { profileInputSchema, profileSchema, sessionSchema, openResultSchema, openInputSchema, trustedKeySchema, transferSchema, hostName, port, size, transferInput, sshEventPayloads } from '../../domain/ssh';

export * from '../../domain/ssh';

const id = z.string().min(1).max(64);

export const sshCalls = {
  'ssh.profiles': call(z.strictObject({ assetId: id.optional() }).optional(), z.object({ profiles: z.array(profileSchema) })),
  'ssh.profileSave': call(profileInputSchema.extend({ id: id.optional() }), profileSchema),
  'ssh.profileDelete': call(z.strictObject({ id }), z.object({ deleted: z.boolean() })),
  'ssh.importConfig': call(
    z.strictObject({ path: z.string().max(4096).optional(), text: z.string().max(1_000_000).optional() }).optional(),
    z.object({ imported: z.array(profileSchema), skipped: z.array(z.string()) }),
  ),
  'ssh.open': call(openInputSchema, openResultSchema),
  'ssh.answerHostKey': call(z.strictObject({ promptId: id, decision: z.enum(['trust-remember', 'trust-once', 'cancel']) }), openResultSchema),
  'ssh.reconnect': call(z.strictObject({ sessionId: id, password: z.string().max(4096).optional() }), openResultSchema),
  'ssh.write': call(z.strictObject({ sessionId: id, data: z.string().max(1_000_000) }), z.object({ ok: z.boolean() })),
  'ssh.resize': call(z.strictObject({ sessionId: id, ...size }), z.object({ ok: z.boolean() })),
  /** The renderer acknowledges terminal bytes it has rendered (flow control). */
  'ssh.ack': call(z.strictObject({ sessionId: id, bytes: z.number().int().min(0).max(1e9) }), z.object({ ok: z.boolean() })),
  'ssh.close': call(z.strictObject({ sessionId: id }), z.object({ ok: z.boolean() })),
  'ssh.sessions': call(z.strictObject({}).optional(), z.object({ sessions: z.array(sessionSchema) })),
  'ssh.attachTranscript': call(z.strictObject({ sessionId: id }), z.object({ followupId: z.string() })),
  'ssh.upload': call(transferInput, transferSchema),
  'ssh.download': call(transferInput, transferSchema),
  'ssh.cancelTransfer': call(z.strictObject({ transferId: id }), z.object({ ok: z.boolean() })),
  'ssh.hostKeys': call(z.strictObject({}).optional(), z.object({ keys: z.array(trustedKeySchema) })),
  /** Explicit, audited replacement after a "host key changed" refusal. */
  'ssh.hostKeyReplace': call(z.strictObject({ host: hostName, port, fingerprint: z.string().min(8).max(200) }), trustedKeySchema),
  'ssh.hostKeyRemove': call(z.strictObject({ host: hostName, port }), z.object({ removed: z.boolean() })),
} as const;

export const sshEvents = eventsOf(sshEventPayloads);
