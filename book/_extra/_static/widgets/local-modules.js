// Widget front ends served by this site, not fetched from a CDN: tell require.js where they are.
// Loaded after require.js and before the widgets' html-manager (embed-amd.js), which asks
// require.js for each widget's module before it would try a CDN.
(function () {
  var here = document.currentScript.src.replace(/[^/]*$/, "");
  require.config({ paths: { anywidget: here + "anywidget" } });
})();
