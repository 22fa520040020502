// Contract entries for this feature: add calls and events here (see contracts/app.ts).
export const toolCalls = {} as const;
export const toolEvents = {} as const;
