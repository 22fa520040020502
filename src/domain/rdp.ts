/**
 * Contract of the RDP feature: remote methods per PC (RDP, Windows Remote Assistance,
 * shadowing, SSH), their settings, launching a client from a ticket, the qwinsta session
 * list for shadowing, and session records. Inputs are strict: unknown keys are refused.
 * Host names are validated here (pure code, shared with the renderer and the launchers).
 */
import { z } from 'zod';
import { isSafeText, safeText } from '../base/text';

// ---------------------------------------------------------------------------------------
// Host names and IP addresses (pure: no Node modules, the renderer uses it too)

const LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

export function isIPv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

export function isIPv6(s: string): boolean {
  if (s.length > 45 || !/^[0-9A-Fa-f:.]+$/.test(s)) return false;
  let head = s;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.')) {
    // Embedded IPv4 (::ffff:192.0.2.1) counts as two groups.
    if (!isIPv4(s.slice(lastColon + 1))) return false;
    head = s.slice(0, lastColon + 1) + '0:0';
  }
  const halves = head.split('::');
  if (halves.length > 2) return false;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const left = groups(halves[0]!);
  const right = halves.length === 2 ? groups(halves[1]!) : [];
  const all = [...left, ...right];
  if (!all.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? all.length <= 7 : all.length === 8;
}

/** RFC 1123 host name (letters, digits, hyphens; dot-separated labels), IPv4 or IPv6. */
export function isHostOrIp(s: string): boolean {
  if (typeof s !== 'string' || s.length === 0 || s.length > 253) return false;
  if (isIPv4(s) || isIPv6(s)) return true;
  const name = s.endsWith('.') ? s.slice(0, -1) : s;
  if (/^[\d.]+$/.test(name)) return false; // looks like a broken IPv4
  return name.split('.').every((l) => LABEL.test(l));
}

export const hostSchema = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .refine(isHostOrIp, { message: 'Nom de poste ou adresse IP invalide / Invalid host name or IP address' });

export { isSafeText, safeText };

// ---------------------------------------------------------------------------------------
// Remote methods and settings

export const remoteMethodSchema = z.enum(['rdp', 'msra', 'shadow', 'ssh']);
export type RemoteMethod = z.infer<typeof remoteMethodSchema>;
/** Methods this feature launches (SSH is the SSH feature's). */
export const rdpLaunchMethodSchema = z.enum(['rdp', 'msra', 'shadow']);
export type RdpLaunchMethod = z.infer<typeof rdpLaunchMethodSchema>;

export const gatewayCredentialModeSchema = z.enum(['ask', 'smartcard', 'current_user', 'basic', 'select_later']);
export type GatewayCredentialMode = z.infer<typeof gatewayCredentialModeSchema>;

export const rdpSettingsSchema = z.strictObject({
  port: z.number().int().min(1).max(65535).default(3389),
  user: safeText(104).default(''),
  domain: safeText(155).default(''),
  /** Reference of the password in the credential vault (never the password). */
  credentialId: safeText(200).nullable().default(null),
  fullScreen: z.boolean().default(false),
  width: z.number().int().min(640).max(8192).default(1280),
  height: z.number().int().min(480).max(8192).default(800),
  multiMonitor: z.boolean().default(false),
  clipboard: z.boolean().default(true),
  redirectDrives: z.boolean().default(false),
  redirectPrinters: z.boolean().default(false),
  gateway: z
    .strictObject({
      host: hostSchema,
      port: z.number().int().min(1).max(65535).default(443),
      credentialMode: gatewayCredentialModeSchema.default('ask'),
      /** Use the PC's credentials for the gateway too. */
      sameCredentials: z.boolean().default(true),
    })
    .nullable()
    .default(null),
});
export type RdpSettings = z.output<typeof rdpSettingsSchema>;
export type RdpSettingsInput = z.input<typeof rdpSettingsSchema>;

export const assetRemoteSchema = z.object({
  asset: z.object({ id: z.string(), name: z.string(), ip: z.string(), os: z.string() }),
  /** The host name or address the clients connect to (IP if known, else the PC name). */
  target: z.string(),
  /** Supported methods, the default one first. */
  methods: z.array(remoteMethodSchema),
  defaultMethod: remoteMethodSchema.nullable(),
  settings: rdpSettingsSchema,
  /** false: derived from the PC's OS, not yet saved by a technician. */
  configured: z.boolean(),
});
export type AssetRemote = z.infer<typeof assetRemoteSchema>;


// ---------------------------------------------------------------------------------------
// Clients, sessions

export const clientIdSchema = z.enum(['mstsc', 'msra', 'xfreerdp', 'remmina', 'macos-open']);
export type RdpClientId = z.infer<typeof clientIdSchema>;

export const clientsSchema = z.object({
  platform: z.string(),
  clients: z.array(z.object({ id: clientIdSchema, available: z.boolean(), program: z.string().nullable(), version: z.string().nullable() })),
  /** When nothing can launch RDP here: which client to install. */
  missing: z.object({ fr: z.string(), en: z.string() }).nullable(),
});

export const sessionStateSchema = z.enum(['starting', 'running', 'logged_in', 'auth_failed', 'ended', 'failed']);
export const sessionRecordSchema = z.object({
  id: z.string(),
  ticketId: z.string().nullable(),
  assetId: z.string(),
  assetName: z.string(),
  method: rdpLaunchMethodSchema,
  target: z.string(),
  technician: z.string(),
  client: clientIdSchema,
  state: sessionStateSchema,
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  exitCode: z.number().nullable(),
  /** Localised outcome for the technician (e.g. "Identifiants refusés"). */
  message: z.object({ fr: z.string(), en: z.string() }).nullable(),
});
export type SessionRecord = z.infer<typeof sessionRecordSchema>;

export const shadowSessionSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  user: z.string(),
  state: z.enum(['active', 'disconnected', 'listen', 'connected', 'down', 'other']),
  current: z.boolean(),
});
export type ShadowSession = z.infer<typeof shadowSessionSchema>;

export const fingerprintSchema = z.string().regex(/^([0-9a-f]{2}:){31}[0-9a-f]{2}$/i);

export const launchResultSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('started'), session: sessionRecordSchema }),
  z.object({
    status: z.literal('needs_trust'),
    host: z.string(),
    port: z.number(),
    /** SHA-256 of the PC's certificate, to compare with the one the agent reads out. */
    fingerprint: z.string(),
    /** Set when a different certificate was trusted before for this PC. */
    previous: z.string().nullable(),
  }),
]);
export type LaunchResult = z.infer<typeof launchResultSchema>;


/** The payloads of the events this feature emits (the contract wraps them as events). */
export const rdpEventPayloads = {
  /** A session started, changed state (login seen, credentials refused) or ended. */
  'rdp.session': sessionRecordSchema,
} as const;
export type RdpEvents = { [K in keyof typeof rdpEventPayloads]: z.output<(typeof rdpEventPayloads)[K]> };
