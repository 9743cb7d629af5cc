// Widget front ends served by this site, not fetched from a CDN: tell require.js where they are.
// Loaded after require.js and before the widgets' html-manager (embed-amd.js), which asks
// require.js for each widget's module before it would try a CDN.
// The course's own file (book/_static, html_static_path); it is served from the same folder,
// _static/widgets/, as the vendored anywidget.js (book/vendored, html_extra_path).
(function () {
  var here = document.currentScript.src.replace(/[^/]*$/, "");
  require.config({ paths: { anywidget: here + "anywidget" } });
})();
