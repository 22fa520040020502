// Contract entries for this feature: add calls and events here (see contracts/app.ts).
export const syncCalls = {} as const;
export const syncEvents = {} as const;
