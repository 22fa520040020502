/**
 * The process-wide answer to an exception nobody caught. A desktop console serving live SSH
 * sessions and tool runs must not die because one request or one callback went wrong: the
 * fault is logged (message and stack, never a secret: errors carry none by design), the host
 * keeps serving, and the service ends whatever work the fault orphaned (a tool run left
 * 'running' is marked failed with the reason). Both hosts install it; no Electron import.
 */
export interface FaultTarget {
  recoverFromFault(err: unknown): void;
}

export function installFaultPolicy(target: FaultTarget, log: (line: string) => void = (l) => console.error(l)): () => void {
  const handle = (kind: string) => (err: unknown) => {
    try {
      const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
      log(`[relais] ${kind} (the console keeps running): ${text}`);
      target.recoverFromFault(err);
    } catch {
      // The policy itself must never throw: that would end the process after all.
    }
  };
  const onException = handle('uncaught exception');
  const onRejection = handle('unhandled rejection');
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}
