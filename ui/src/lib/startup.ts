// Start-up marks for the bench's breakdown of where the time to the first dashboard goes. The
// shell (src-tauri/src/startup.rs) reads every `opendvc:` performance mark when the dashboard's
// own mark is set, places it on the process's time line and logs it; nothing else reads them.

import { DASHBOARD_RENDERED_MARK } from './backend/commands';

/** Marks `step` the first time it is reached in this page. */
export function markStart(step: string): void {
  const name = `opendvc:${step}`;
  if (typeof performance === 'undefined' || performance.getEntriesByName(name).length > 0) return;
  performance.mark(name);
}

/** Whether a screen was created with the dashboard's data during the app's mount. */
let dashboardInMount = false;

/** The home screen is being created with the dashboard's data (it came with the page). */
export function dashboardInFirstRender(): void {
  dashboardInMount = true;
}

/** Called once the app is mounted: a dashboard created by the mount is in the document now, laid
 * out in the page's first layout, before its load event; one that loads later is marked by the
 * home screen when it shows. */
export function markDashboardIfMounted(): void {
  const created = dashboardInMount;
  dashboardInMount = false;
  if (created && performance.getEntriesByName(DASHBOARD_RENDERED_MARK).length === 0) {
    performance.mark(DASHBOARD_RENDERED_MARK);
  }
}
