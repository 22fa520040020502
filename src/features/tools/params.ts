/**
 * Parameter validation: every value a technician types is checked against its declared type
 * before any script is built. Values then travel as data only (see command.ts), but this is
 * the first gate: wrong type, out of range, too long, NUL bytes and broken Unicode are refused
 * with a message that says which field and what to enter.
 */
import { RelaisError } from '../../base/errors';
import type { MessageKey, Param } from '../../base/messages';
import type { ParamValues, ToolDefinition, ToolParam } from '../../domain/tools';

export type TypedValue = string | number | boolean;
/** Every declared parameter, in declaration order; null for an optional one left empty. */
export type ValidatedParams = { param: ToolParam; value: TypedValue | null }[];

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9A-Fa-f:.]{2,45}$/;
// Characters Windows forbids in file and share names, plus control characters.
// eslint-disable-next-line no-control-regex
const BAD_PATH_CHARS = /[<>:"/|?*\u0000-\u001f]/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isHostname(v: string): boolean {
  if (v.length < 1 || v.length > 253) return false;
  if (IPV4.test(v)) return true;
  if (v.includes(':')) return IPV6.test(v) && v.split(':').length >= 3;
  return v.split('.').every((l) => LABEL.test(l));
}

export function isUncPath(v: string): boolean {
  if (v.length > 260 || !v.startsWith('\\\\')) return false;
  const parts = v.slice(2).split('\\');
  if (parts.length < 2) return false;
  const [server, ...rest] = parts;
  if (!server || !isHostname(server)) return false;
  // A trailing backslash is allowed; empty components elsewhere are not.
  if (rest[rest.length - 1] === '') rest.pop();
  return rest.length >= 1 && rest.every((p) => p.length > 0 && p.length <= 255 && !BAD_PATH_CHARS.test(p) && p !== '.' && p !== '..');
}

export function isPrinterName(v: string): boolean {
  if (v.length < 1 || v.length > 200 || CONTROL.test(v)) return false;
  if (v.startsWith('\\\\')) {
    const parts = v.slice(2).split('\\');
    return parts.length === 2 && isHostname(parts[0]!) && parts[1]!.length > 0 && !/[\\,!]/.test(parts[1]!);
  }
  return !/[\\,!]/.test(v);
}

/** TOOL_PARAM_INVALID, worded by `why` (the i18next context): `TOOL_PARAM_INVALID_<why>`. */
function invalid(p: ToolParam, why: InvalidWhy, extra: Record<string, string | number> = {}): RelaisError {
  const key = `TOOL_PARAM_INVALID_${why}` as const;
  return (RelaisError.of as (k: MessageKey, params: Record<string, Param>, details: unknown) => RelaisError)(key, { label: p.label, ...extra }, { param: p.name });
}
type InvalidWhy = MessageKey extends infer K ? (K extends `TOOL_PARAM_INVALID_${infer W}` ? W : never) : never;

/** Checks one value; returns it typed (integers as numbers, booleans as booleans). */
export function validateParam(p: ToolParam, raw: unknown): TypedValue | undefined {
  if (raw === undefined || raw === null || raw === '') {
    const def = p.default;
    if (def !== undefined) return validateParam(p, def);
    if (p.type === 'boolean') return false;
    if (p.required) throw invalid(p, 'required');
    return undefined;
  }
  if (typeof raw === 'string') {
    if (raw.includes('\u0000')) throw invalid(p, 'nul');
    if (LONE_SURROGATE.test(raw)) throw invalid(p, 'unicode');
  }
  switch (p.type) {
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === 'false') return raw === 'true';
      throw invalid(p, 'boolean');
    case 'integer': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d{1,15}$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
      if (!Number.isSafeInteger(n)) throw invalid(p, 'integer');
      if (n < p.min || n > p.max) throw invalid(p, 'range', { min: p.min, max: p.max });
      return n;
    }
    default:
      break;
  }
  if (typeof raw !== 'string') throw invalid(p, 'text');
  switch (p.type) {
    case 'hostname':
      if (!isHostname(raw)) throw invalid(p, 'host');
      return raw;
    case 'uncPath':
      if (!isUncPath(raw)) throw invalid(p, 'unc');
      return raw;
    case 'printerName':
      if (!isPrinterName(raw)) throw invalid(p, 'printer');
      return raw;
    case 'enum':
      if (!p.options.some((o) => o.value === raw)) throw invalid(p, 'choice', { choices: p.options.map((o) => o.value).join(', ') });
      return raw;
    case 'string':
      if (raw.length > p.maxLength) throw invalid(p, 'length', { max: p.maxLength, given: raw.length });
      return raw;
  }
}

/** Validates every declared parameter; unknown names are refused (a typo must not be ignored). */
export function validateParams(tool: ToolDefinition, values: ParamValues): ValidatedParams {
  const known = new Set(tool.params.map((p) => p.name));
  for (const name of Object.keys(values)) {
    if (!known.has(name))
      throw RelaisError.of('TOOL_PARAM_UNKNOWN', { label: tool.label, name }, { param: name });
  }
  const out: ValidatedParams = [];
  for (const p of tool.params) {
    const v = validateParam(p, values[p.name]);
    out.push({ param: p, value: v === undefined ? null : v });
  }
  return out;
}

export function toParamValues(v: ValidatedParams): ParamValues {
  return Object.fromEntries(v.filter((x) => x.value !== null).map(({ param, value }) => [param.name, value as TypedValue]));
}
