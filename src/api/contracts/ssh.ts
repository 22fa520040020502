// Contract entries for this feature: add calls and events here (see contracts/app.ts).
export const sshCalls = {} as const;
export const sshEvents = {} as const;
