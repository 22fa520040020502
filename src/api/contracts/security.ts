// Contract entries for the credential vault and the audit log (see contracts/app.ts).
export const securityCalls = {} as const;
export const securityEvents = {} as const;
