/**
 * The one polling helper: waits until `fn()` gives a value `ok` accepts and returns it, or
 * fails after `timeoutMs` naming what it waited for. Tests wait on an observable state
 * with it (or on an event, or an injected clock), never a fixed sleep.
 */
export async function poll<T>(
  fn: () => T | Promise<T>,
  ok: (v: T) => boolean = Boolean,
  { timeoutMs = 10_000, everyMs = 20, what = 'condition' }: { timeoutMs?: number; everyMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${JSON.stringify(v)?.slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
