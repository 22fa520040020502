// Contract entries for this feature: add calls and events here (see contracts/app.ts).
export const ticketCalls = {} as const;
export const ticketEvents = {} as const;
