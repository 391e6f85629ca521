// Typesets what pymdownx.arithmatex (generic mode) left in .arithmatex elements: \( \) inline,
// \[ \] display. KaTeX 0.19.1 from npm (`npm pack katex`), vendored in assets/katex: no CDN.
(function () {
  "use strict";
  function render() {
    document.querySelectorAll(".arithmatex").forEach(function (element) {
      renderMathInElement(element, {
        delimiters: [
          { left: "\\[", right: "\\]", display: true },
          { left: "\\(", right: "\\)", display: false },
        ],
        throwOnError: false, // a bad formula shows red (.katex-error), the rest still renders
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", render);
  } else {
    render();
  }
})();
