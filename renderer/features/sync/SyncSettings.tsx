/** Settings section for the ITSM server (owned by the sync feature). */
export function SyncSettings() {
  return null;
}
