import { z } from 'zod';
import { call, eventsOf } from '../contract-kit';
import { remoteMethodSchema, rdpLaunchMethodSchema, rdpSettingsSchema, assetRemoteSchema, clientsSchema, sessionRecordSchema, shadowSessionSchema, launchResultSchema, safeText, fingerprintSchema, rdpEventPayloads } from '../../domain/rdp';

export * from '../../domain/rdp';

const id = z.string().min(1).max(100).regex(/^[\w.-]+$/);

export const rdpCalls = {
  'rdp.assetMethods': call(z.strictObject({ assetId: id }), assetRemoteSchema),
  'rdp.setAssetMethods': call(
    z
      .strictObject({
        assetId: id,
        methods: z.array(remoteMethodSchema).max(4),
        defaultMethod: remoteMethodSchema.nullable(),
        settings: rdpSettingsSchema.default(rdpSettingsSchema.parse({})),
      })
      .refine((v) => v.defaultMethod === null || v.methods.includes(v.defaultMethod), {
        message: 'La méthode par défaut doit être cochée / The default method must be enabled',
        path: ['defaultMethod'],
      }),
    assetRemoteSchema,
  ),
  'rdp.ticketTargets': call(z.strictObject({ ticketId: id }), z.object({ assets: z.array(assetRemoteSchema) })),
  'rdp.clients': call(z.strictObject({}).optional(), clientsSchema),
  'rdp.shadowSessions': call(z.strictObject({ assetId: id }), z.object({ sessions: z.array(shadowSessionSchema) })),
  'rdp.launch': call(
    z.strictObject({
      assetId: id,
      ticketId: id.nullable().default(null),
      method: rdpLaunchMethodSchema,
      /** Shadowing: the qwinsta session id picked by the technician. */
      shadowSessionId: z.number().int().min(0).max(65535).optional(),
      /** Shadowing: take control (true) or only watch. The agent's consent is always asked. */
      control: z.boolean().default(true),
      /** Overrides the PC's saved credential reference. */
      credentialId: safeText(200).nullable().optional(),
      /** The certificate fingerprint the technician accepted after seeing it. */
      trustFingerprint: fingerprintSchema.optional(),
    }),
    launchResultSchema,
  ),
  'rdp.session': call(z.strictObject({ sessionId: id }), sessionRecordSchema),
  'rdp.sessions': call(
    z.strictObject({ ticketId: id.optional(), assetId: id.optional(), limit: z.number().int().min(1).max(500).default(50) }),
    z.object({ sessions: z.array(sessionRecordSchema) }),
  ),
  'rdp.assets': call(
    z.strictObject({ query: safeText(100).default(''), limit: z.number().int().min(1).max(200).default(50) }),
    z.object({ assets: z.array(z.object({ id: z.string(), name: z.string(), ip: z.string(), os: z.string() })) }),
  ),
} as const;

export const rdpEvents = eventsOf(rdpEventPayloads);
