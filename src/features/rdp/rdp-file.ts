/**
 * The `.rdp` file builder. Output: a fixed list of known keys in a fixed order, one per
 * CRLF-terminated line, every value checked and stripped (see sanitize.ts), so no field can
 * add or change a line. Never writes a password (mstsc would ignore a clear one anyway, and
 * it must never touch the disk). Drive and printer redirection are off unless asked.
 */
import type { GatewayCredentialMode } from '../../domain/rdp';
import { cleanHost, cleanInt, cleanText, hostPort } from './sanitize';

export interface RdpFileFields {
  host: string;
  port?: number;
  user?: string;
  domain?: string;
  fullScreen?: boolean;
  width?: number;
  height?: number;
  multiMonitor?: boolean;
  clipboard?: boolean;
  redirectDrives?: boolean;
  redirectPrinters?: boolean;
  gateway?: { host: string; port?: number; credentialMode?: GatewayCredentialMode; sameCredentials?: boolean } | null;
}

/** Every key the builder ever writes, in order. Nothing else can appear in a file. */
export const RDP_FILE_KEYS = [
  'full address:s',
  'username:s',
  'domain:s',
  'screen mode id:i',
  'desktopwidth:i',
  'desktopheight:i',
  'use multimon:i',
  'session bpp:i',
  'redirectclipboard:i',
  'redirectprinters:i',
  'redirectcomports:i',
  'redirectsmartcards:i',
  'redirectposdevices:i',
  'drivestoredirect:s',
  'devicestoredirect:s',
  'audiomode:i',
  'authentication level:i',
  'prompt for credentials:i',
  'promptcredentialonce:i',
  'enablecredsspsupport:i',
  'gatewayhostname:s',
  'gatewayusagemethod:i',
  'gatewaycredentialssource:i',
  'gatewayprofileusagemethod:i',
  'alternate shell:s',
  'shell working directory:s',
  'remoteapplicationmode:i',
  'autoreconnection enabled:i',
] as const;

const GATEWAY_SOURCE: Record<GatewayCredentialMode, number> = {
  ask: 0, // NTLM: ask for a password
  smartcard: 1,
  current_user: 2,
  basic: 3,
  select_later: 4,
};

const b = (v: boolean | undefined) => (v ? 1 : 0);

/** The validated, cleaned values the file and the launchers use. */
export interface CleanRdpFields {
  host: string;
  port: number;
  user: string;
  domain: string;
  fullScreen: boolean;
  width: number;
  height: number;
  multiMonitor: boolean;
  clipboard: boolean;
  redirectDrives: boolean;
  redirectPrinters: boolean;
  gateway: { host: string; port: number; credentialMode: GatewayCredentialMode; sameCredentials: boolean } | null;
}

export function cleanRdpFields(f: RdpFileFields): CleanRdpFields {
  const gateway = f.gateway
    ? {
        host: cleanHost('gateway.host', f.gateway.host),
        port: cleanInt('gateway.port', f.gateway.port ?? 443, 1, 65535),
        credentialMode: (Object.hasOwn(GATEWAY_SOURCE, f.gateway.credentialMode ?? 'ask') ? (f.gateway.credentialMode ?? 'ask') : 'ask') as GatewayCredentialMode,
        sameCredentials: f.gateway.sameCredentials !== false,
      }
    : null;
  return {
    host: cleanHost('host', f.host),
    port: cleanInt('port', f.port ?? 3389, 1, 65535),
    user: cleanText('user', f.user, 104),
    domain: cleanText('domain', f.domain, 155),
    fullScreen: f.fullScreen === true,
    width: cleanInt('width', f.width ?? 1280, 640, 8192),
    height: cleanInt('height', f.height ?? 800, 480, 8192),
    multiMonitor: f.multiMonitor === true,
    clipboard: f.clipboard !== false,
    redirectDrives: f.redirectDrives === true,
    redirectPrinters: f.redirectPrinters === true,
    gateway,
  };
}

/** Builds the file's text (CRLF line ends). Throws RDP_INVALID_FIELD on a bad value. */
export function buildRdpFile(fields: RdpFileFields): string {
  const f = cleanRdpFields(fields);
  const gw = f.gateway;
  const values: Record<(typeof RDP_FILE_KEYS)[number], string | number> = {
    'full address:s': hostPort(f.host, f.port),
    'username:s': f.user && f.domain ? `${f.domain}\\${f.user}` : f.user,
    'domain:s': f.domain,
    'screen mode id:i': f.fullScreen ? 2 : 1,
    'desktopwidth:i': f.width,
    'desktopheight:i': f.height,
    'use multimon:i': b(f.multiMonitor),
    'session bpp:i': 32,
    'redirectclipboard:i': b(f.clipboard),
    'redirectprinters:i': b(f.redirectPrinters),
    'redirectcomports:i': 0,
    'redirectsmartcards:i': 0,
    'redirectposdevices:i': 0,
    'drivestoredirect:s': f.redirectDrives ? '*' : '',
    'devicestoredirect:s': '',
    'audiomode:i': 0,
    'authentication level:i': 2,
    'prompt for credentials:i': 0,
    'promptcredentialonce:i': gw ? b(gw.sameCredentials) : 1,
    'enablecredsspsupport:i': 1,
    'gatewayhostname:s': gw ? hostPort(gw.host, gw.port) : '',
    'gatewayusagemethod:i': gw ? 1 : 0,
    'gatewaycredentialssource:i': gw ? GATEWAY_SOURCE[gw.credentialMode] : 0,
    'gatewayprofileusagemethod:i': gw ? 1 : 0,
    'alternate shell:s': '',
    'shell working directory:s': '',
    'remoteapplicationmode:i': 0,
    'autoreconnection enabled:i': 1,
  };
  return RDP_FILE_KEYS.map((k) => `${k}:${values[k]}\r\n`).join('');
}

/** mstsc's own format: UTF-16 little-endian with a byte-order mark. */
export function encodeRdpFile(text: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
}

export function decodeRdpFile(buf: Buffer): string {
  if (buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  return buf.toString('utf8');
}
