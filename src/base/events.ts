import type { EventName, EventPayload } from '../api/contract';

type Listener = (name: EventName, payload: unknown) => void;

/** The core's outgoing events; each host forwards them to its UI clients. */
export class EventBus {
  private readonly listeners = new Set<Listener>();

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    for (const l of this.listeners) {
      try {
        l(name, payload);
      } catch {
        // A broken listener (a closed socket) must not stop delivery to the others.
      }
    }
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}
