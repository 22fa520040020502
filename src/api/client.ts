/**
 * The renderer's typed client for the contract, independent of the host: Electron's
 * preload and the WebSocket both provide a `Transport`. Inputs are checked against the
 * contract before sending so a form learns of a bad field at once.
 */
import { calls, type CallInput, type CallName, type CallOutput, type EventName, type EventPayload } from './contract';
import type { SerializedError } from '../base/errors';
import { invalidInputError } from './readable-issues';

export interface Transport {
  invoke(name: string, input: unknown): Promise<{ ok: true; value: unknown } | { ok: false; error: SerializedError }>;
  subscribe(listener: (name: string, payload: unknown) => void): () => void;
}

export class ContractError extends Error {
  readonly code: string;
  readonly messages: { fr: string; en: string };
  readonly details: unknown;
  /** The parameters the UI words the message from (errors raised with `RelaisError.of`). */
  readonly params: SerializedError['params'];
  constructor(error: SerializedError) {
    super(error.message.en);
    this.name = 'ContractError';
    this.code = error.code;
    this.messages = error.message;
    this.details = error.details;
    this.params = error.params;
  }
  /** The message in the user's language. */
  text(locale: string): string {
    return locale.startsWith('en') ? this.messages.en : this.messages.fr;
  }
}

export interface Client {
  call<N extends CallName>(name: N, ...input: undefined extends CallInput<N> ? [CallInput<N>?] : [CallInput<N>]): Promise<CallOutput<N>>;
  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void;
}

export function createClient(transport: Transport): Client {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  transport.subscribe((name, payload) => {
    for (const l of listeners.get(name) ?? []) l(payload);
  });
  return {
    async call(name, ...args) {
      const input = args[0];
      const checked = calls[name].input.safeParse(input);
      if (!checked.success) throw new ContractError(invalidInputError(checked.error).toJSON());
      const result = await transport.invoke(name, input);
      if (!result.ok) throw new ContractError(result.error);
      return result.value as never;
    },
    on(name, listener) {
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      const l = listener as (payload: unknown) => void;
      set.add(l);
      return () => {
        set.delete(l);
      };
    },
  };
}
