// The start-up report (src-tauri/src/window.rs, START_MARK_SCRIPT): an initialization script of
// the app's window and of the bench's bare baseline (examples/bare_webview.rs). {MARK} is the
// dashboard's performance mark, put in by the one who injects it.
(function () {
  if (typeof PerformanceObserver === 'undefined') return;
  var types = PerformanceObserver.supportedEntryTypes || [];
  var paintTimed = types.indexOf('paint') >= 0;
  var reported = false;
  var observer = new PerformanceObserver(function () {
    if (reported || performance.getEntriesByName('{MARK}').length === 0) return;
    if (paintTimed && performance.getEntriesByName('first-contentful-paint').length === 0) return;
    reported = true;
    observer.disconnect();
    var marks = {};
    performance.getEntriesByType('mark').forEach(function (mark) {
      if (mark.name.indexOf('opendvc:') === 0) marks[mark.name.slice(8)] = mark.startTime;
    });
    performance.getEntriesByName('first-contentful-paint').forEach(function (paint) {
      marks['first-paint'] = paint.startTime;
    });
    performance.getEntriesByType('resource').forEach(function (entry) {
      if (entry.initiatorType === 'script' && marks['script-loaded'] === undefined) {
        marks['script-loaded'] = entry.responseEnd;
      }
    });
    var navigation = performance.getEntriesByType('navigation')[0];
    if (navigation) marks['html-loaded'] = navigation.responseEnd;
    // When the paint was reported to this page: the webview tells a page of its paints a
    // while after they happen.
    marks['paint-observed'] = performance.now();
    var internals = window.__TAURI_INTERNALS__;
    if (internals) {
      internals.invoke('report_dashboard_rendered', {
        timings: { timeOrigin: performance.timeOrigin, marks: marks },
      });
    }
  });
  observer.observe({ entryTypes: paintTimed ? ['mark', 'paint'] : ['mark'] });
})();
