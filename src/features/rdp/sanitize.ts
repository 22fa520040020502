/**
 * Value hygiene for everything that goes into a `.rdp` file or a client's argument list.
 * A `.rdp` file is one `key:type:value` per line: a line break inside a value would add a
 * directive (`alternate shell:s:`, `drivestoredirect:s:*`). So every value is stripped of
 * C0 and C1 control characters (CR, LF, NUL, TAB, NEL...), Unicode line and paragraph
 * separators, bidirectional overrides and zero-width characters, and lone surrogates are
 * replaced; then it is checked against its own rule (host name, number range, length).
 */
import type { MessageKey, Param } from '../../base/messages';
import { RelaisError } from '../../base/errors';
import { isHostOrIp } from '../../domain/rdp';

// C0, DEL, C1, line/paragraph separators, zero-width and bidi controls, BOM.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const STRIP = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function stripControls(value: string): string {
  return String(value).replace(LONE_SURROGATE, '\ufffd').replace(STRIP, '');
}

/** RDP_INVALID_FIELD; `why` is the i18next context that words the reason. */
function invalidField(field: string, why: 'length' | 'host' | 'int', extra: Record<string, number> = {}): RelaisError {
  return (RelaisError.of as (k: MessageKey, p: Record<string, Param>, d: unknown) => RelaisError)(`RDP_INVALID_FIELD_${why}`, { field, ...extra }, { field });
}

/** Strips control characters and enforces a maximum length (in UTF-16 units). */
export function cleanText(field: string, value: string | null | undefined, max: number): string {
  const v = stripControls(value ?? '').trim();
  if (v.length > max) throw invalidField(field, 'length', { max });
  return v;
}

/** A host name or IP address, after stripping; throws otherwise (no partial "fixing"). */
export function cleanHost(field: string, value: string): string {
  const raw = String(value ?? '');
  const v = stripControls(raw).trim();
  if (v !== raw.trim() || !isHostOrIp(v)) {
    throw invalidField(field, 'host');
  }
  return v;
}

export function cleanInt(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidField(field, 'int', { min, max });
  }
  return value;
}

/** `host:port`, with brackets around an IPv6 address. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
