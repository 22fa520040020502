/**
 * Request-targets come from anything that can reach 127.0.0.1: a hostile web page can make
 * the user's browser send `GET /%E0%A4%A` (an `<img>` is enough). Both hosts turn the
 * target into a decoded path here, where a malformed one is a `null` (answer 400), never a
 * thrown exception that would end the process and every session it serves.
 */
export function decodedPathname(target: string | undefined, base = 'http://relais.invalid'): string | null {
  try {
    const pathname = decodeURIComponent(new URL(target ?? '/', base).pathname);
    // A NUL byte has no business in a file name and makes some fs calls throw.
    return pathname.includes('\0') ? null : pathname;
  } catch {
    return null;
  }
}
