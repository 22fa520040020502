// Contract entries for this feature: add calls and events here (see contracts/app.ts).
export const rdpCalls = {} as const;
export const rdpEvents = {} as const;
