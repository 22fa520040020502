/** Settings section for the credential vault and the audit log (owned by the SSH/security feature). */
export function SecuritySettings() {
  return null;
}
