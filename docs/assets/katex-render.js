// Typesets the math pymdownx.arithmatex (generic mode) leaves as \( \) inline and \[ \] display:
// in its .arithmatex elements and where the theme copies heading text (the contents sidebar).
// Code (pre, code) is left alone. KaTeX 0.19.1 from npm (`npm pack katex`), vendored in
// assets/katex: no CDN.
(function () {
  "use strict";
  function render() {
    renderMathInElement(document.body, {
      delimiters: [
        { left: "\\[", right: "\\]", display: true },
        { left: "\\(", right: "\\)", display: false },
      ],
      throwOnError: false, // a bad formula shows red (.katex-error), the rest still renders
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", render);
  } else {
    render();
  }
})();
