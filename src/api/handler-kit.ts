import type { CallName, CallOutput, ParsedInput } from './contract';

/** Who is calling: set by the host for each connection. */
export interface Caller {
  /** Opaque id of the UI connection (a window or a WebSocket), for per-client state. */
  readonly clientId: string;
}

export type Handler<N extends CallName> = (input: ParsedInput<N>, caller: Caller) => Promise<CallOutput<N>> | CallOutput<N>;
export type Handlers = { [N in CallName]: Handler<N> };
/** The handlers one feature provides: exactly the calls whose names start with its prefix. */
export type HandlersFor<P extends string> = { [N in CallName as N extends `${P}.${string}` ? N : never]: Handler<N> };
