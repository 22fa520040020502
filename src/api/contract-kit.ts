import type { z } from 'zod';

/** A request/response call: the input is validated by the host before anything runs. */
export interface CallSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I;
  readonly output: O;
}
/** A one-way notification from the core to the UI. */
export interface EventSpec<P extends z.ZodType = z.ZodType> {
  readonly payload: P;
}

export const call = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O): CallSpec<I, O> => ({ input, output });
export const event = <P extends z.ZodType>(payload: P): EventSpec<P> => ({ payload });

/** Wraps a feature's event payload schemas (declared in its domain module) as contract events. */
export function eventsOf<T extends Record<string, z.ZodType>>(payloads: T): { readonly [K in keyof T]: EventSpec<T[K]> } {
  return Object.fromEntries(Object.entries(payloads).map(([k, p]) => [k, event(p)])) as { readonly [K in keyof T]: EventSpec<T[K]> };
}
