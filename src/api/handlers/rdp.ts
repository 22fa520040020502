import type { Core } from '../core';

/** Builds this feature's services and the handlers of its contract calls. */
export function createRdpFeature(core: Core, deps: Record<string, unknown> = {}) {
  void core;
  void deps;
  return { handlers: {} };
}
