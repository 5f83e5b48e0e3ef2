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

let firstPaint: Promise<void> | undefined;

/** The longest the first paint is waited for: a page that is not on screen may paint late,
 * and what waits for it (the app listening for changes) must not wait for ever. */
const FIRST_PAINT_WAIT_MS = 1_000;

/** Resolves once the page has been painted for the first time (at once in a page painted
 * before it was asked), or after `FIRST_PAINT_WAIT_MS`: the first screen's own work comes
 * first, what can wait a moment follows. Where the webview reports its paints, it waits for
 * the report, which the start-up script (`start_mark.js`) hears first; else for the first
 * frame. */
export function afterFirstPaint(): Promise<void> {
  firstPaint ??= new Promise((resolve) => {
    // A task queued once the frame is painted runs after it.
    const painted = () => setTimeout(resolve, 0);
    setTimeout(resolve, FIRST_PAINT_WAIT_MS);
    if (typeof PerformanceObserver !== 'undefined' && PerformanceObserver.supportedEntryTypes?.includes('paint')) {
      if (performance.getEntriesByType('paint').length > 0) {
        painted();
        return;
      }
      const observer = new PerformanceObserver(() => {
        observer.disconnect();
        painted();
      });
      observer.observe({ type: 'paint' });
    } else if (typeof requestAnimationFrame !== 'undefined') {
      requestAnimationFrame(painted);
    } else {
      resolve();
    }
  });
  return firstPaint;
}
