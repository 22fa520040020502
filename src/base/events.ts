/** Emits typed events; a feature asks only for the emitter of its own events. */
export interface Emitter<Events extends object> {
  emit<K extends keyof Events & string>(name: K, payload: Events[K]): void;
}

type Listener<Events extends object> = (name: keyof Events & string, payload: unknown) => void;

/** The core's outgoing events; each host forwards them to its UI clients. */
export class EventBus<Events extends object> implements Emitter<Events> {
  private readonly listeners = new Set<Listener<Events>>();

  emit<K extends keyof Events & string>(name: K, payload: Events[K]): void {
    for (const l of this.listeners) {
      try {
        l(name, payload);
      } catch {
        // A broken listener (a closed socket) must not stop delivery to the others.
      }
    }
  }

  subscribe(listener: Listener<Events>): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}
