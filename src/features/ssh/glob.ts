/**
 * OpenSSH-style wildcard matching (`*` any run, `?` one character) without regular
 * expressions. known_hosts and ssh config patterns come from files other people write:
 * a pattern such as `*a*a*a…*b` made the translated regex backtrack exponentially (15 s for
 * 12 stars on a 38-character host) while the host-key check waited. Here the pattern is
 * cut at its stars and each piece is found leftmost in turn, which is correct for `*`/`?`
 * globs (a later piece can always use what an earlier leftmost match left) and costs at
 * most |pattern| × |text| character comparisons, whatever the pattern.
 */
export interface GlobOptions {
  caseInsensitive?: boolean;
  /** Incremented once per character comparison (tests bound the work by steps, not time). */
  steps?: { count: number };
}

export function globMatch(pattern: string, text: string, options: GlobOptions = {}): boolean {
  const p = options.caseInsensitive ? pattern.toLowerCase() : pattern;
  const t = options.caseInsensitive ? text.toLowerCase() : text;
  const steps = options.steps ?? { count: 0 };
  const pieces = p.split('*');
  // No star: the whole text must match the single piece.
  if (pieces.length === 1) return t.length === p.length && matchesAt(p, t, 0, steps);
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  if (first.length + last.length > t.length) return false;
  if (!matchesAt(first, t, 0, steps)) return false;
  if (!matchesAt(last, t, t.length - last.length, steps)) return false;
  let pos = first.length;
  const end = t.length - last.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i]!;
    if (!piece) continue;
    let found = -1;
    for (let at = pos; at + piece.length <= end; at++) {
      if (matchesAt(piece, t, at, steps)) {
        found = at;
        break;
      }
    }
    if (found < 0) return false;
    pos = found + piece.length;
  }
  return true;
}

function matchesAt(piece: string, text: string, at: number, steps: { count: number }): boolean {
  for (let i = 0; i < piece.length; i++) {
    steps.count++;
    const c = piece[i]!;
    if (c !== '?' && c !== text[at + i]) return false;
  }
  return true;
}
