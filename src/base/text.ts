import { z } from 'zod';

/**
 * Printable text: no C0/C1 control, no line or paragraph separator, no invisible
 * zero-width or bidirectional-override character, no lone surrogate. Identity fields
 * (user names, requester names, profile and vault labels) are written into the audit log,
 * the timeline and terminal listings: a newline, TAB or ESC there forges rows or output.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_CHAR = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
export const isSafeText = (s: string) => !UNSAFE_CHAR.test(s);

const SAFE_TEXT_MESSAGE = 'Caractère de contrôle ou invisible interdit (une seule ligne) / Control or invisible character not allowed (single line)';

/** A single-line printable string of at most `max` characters (not trimmed: callers decide). */
export const safeText = (max: number) => z.string().max(max).refine(isSafeText, { message: SAFE_TEXT_MESSAGE });

/** A single-line printable identity field: trimmed, 1..max characters. */
export const singleLineName = (max: number) => z.string().trim().min(1).max(max).refine(isSafeText, { message: SAFE_TEXT_MESSAGE });

// eslint-disable-next-line no-control-regex -- escaping control characters is the point
const ESCAPED = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\\]/g;

/**
 * Text for a terminal or a TAB-separated listing: every control, invisible or
 * bidirectional character (and the backslash) shown as a visible `\u{…}` / `\\` escape, so
 * a stored value can never move the cursor, start a new row or reorder what is printed.
 */
export function escapeForTerminal(s: string): string {
  return s.replace(ESCAPED, (c) => (c === '\\' ? '\\\\' : `\\u{${c.codePointAt(0)!.toString(16)}}`));
}

// Bidirectional controls (embeddings, overrides, isolates, marks): `abc\u202etxt.exe` shows as
// "abcexe.txt". They are shown as visible tags instead, never applied.
const BIDI_CONTROL = /([\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069])/;

/** Splits text so each bidi control can be shown as a visible tag (e.g. `[U+202E]`). */
export function revealBidi(s: string): { text: string; control: boolean }[] {
  if (!BIDI_CONTROL.test(s)) return [{ text: s, control: false }];
  return s
    .split(BIDI_CONTROL)
    .filter((p) => p !== '')
    .map((p) => (BIDI_CONTROL.test(p) && p.length === 1 ? { text: `U+${p.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`, control: true } : { text: p, control: false }));
}
