// Start-up marks for the bench's breakdown of where the time to the first dashboard goes. The
// shell (src-tauri/src/startup.rs) reads every `opendvc:` performance mark when the dashboard's
// own mark is set, places it on the process's time line and logs it; nothing else reads them.

/** Marks `step` the first time it is reached in this page. */
export function markStart(step: string): void {
  const name = `opendvc:${step}`;
  if (typeof performance === 'undefined' || performance.getEntriesByName(name).length > 0) return;
  performance.mark(name);
}
