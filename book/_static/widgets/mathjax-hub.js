// A patch, listed in book/PATCHES.md with the html-manager version it was written for.
// ipywidgets' views typeset their labels with MathJax 2's API,
// MathJax.Hub.Queue(["Typeset", MathJax.Hub, element]), whenever window.MathJax is defined.
// The book loads MathJax 3 (the lessons' formulas; book/vendored/_static/mathjax), which has no
// Hub: without this file every widget on a page with maths throws "reading 'Queue'".
// The course's own file (book/_static, html_static_path), loaded before the html-manager
// (embed-amd.js): whatever window.MathJax holds (Sphinx's configuration, then MathJax 3
// itself) gets a Hub whose Queue typesets the element with MathJax 3.
(function () {
  function typeset(element) {
    var mathjax = window.MathJax;
    if (mathjax && mathjax.startup && mathjax.startup.promise && mathjax.typesetPromise) {
      mathjax.startup.promise
        .then(function () { return mathjax.typesetPromise([element]); })
        .catch(function (err) { console.warn("MathJax could not typeset a widget label:", err); });
    }
  }
  var hub = {
    Queue: function () {
      for (var i = 0; i < arguments.length; i++) {
        var job = arguments[i];
        if (Array.isArray(job) && job[0] === "Typeset" && job[2]) typeset(job[2]);
      }
    },
  };
  function withHub(value) {
    if (value && typeof value === "object" && !("Hub" in value)) {
      // Not enumerable: MathJax 3 reads its configuration's own keys, and must not see it.
      Object.defineProperty(value, "Hub", { value: hub, enumerable: false, configurable: true });
    }
    return value;
  }
  var current = withHub(window.MathJax);
  Object.defineProperty(window, "MathJax", {
    configurable: true,
    enumerable: true,
    get: function () { return current; },
    set: function (value) { current = withHub(value); },
  });
})();
