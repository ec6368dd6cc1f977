/* arxiv-translator bilingual page: render TeX with KaTeX and remember the chosen view. */
(function () {
  "use strict";
  var macros = {};
  try {
    macros = JSON.parse(document.getElementById("tex-macros").textContent || "{}");
  } catch (e) {
    macros = {};
  }
  if (window.katex) {
    var spans = document.querySelectorAll("span.tex");
    for (var i = 0; i < spans.length; i++) {
      var el = spans[i];
      var tex = el.textContent;
      try {
        window.katex.render(tex, el, {
          displayMode: el.classList.contains("display"),
          throwOnError: false,
          trust: false,
          strict: "ignore",
          maxExpand: 1000,
          macros: Object.assign({}, macros)
        });
        el.classList.add("rendered");
        el.setAttribute("data-tex", tex);
      } catch (e) {
        el.classList.add("failed");
      }
    }
  }
  var toc = document.querySelector("nav.toc details");
  if (toc && window.matchMedia && window.matchMedia("(max-width: 900px)").matches) {
    toc.open = false; /* on a phone the contents would push the paper below the fold */
  }
  var key = "arxiv-translator-view";
  try {
    var saved = window.localStorage.getItem(key);
    var input = saved && document.getElementById("view-" + saved);
    if (input) input.checked = true;
  } catch (e) { /* storage may be unavailable for local files */ }
  var showKey = "arxiv-translator-show-en";
  var show = document.getElementById("show-en");
  try {
    if (show && window.localStorage.getItem(showKey) === "1") show.checked = true;
  } catch (e) { /* ignore */ }
  var inputs = document.querySelectorAll("input.view-input");
  for (var j = 0; j < inputs.length; j++) {
    inputs[j].addEventListener("change", function (ev) {
      try {
        if (ev.target.type === "checkbox") window.localStorage.setItem(showKey, ev.target.checked ? "1" : "0");
        else window.localStorage.setItem(key, ev.target.value);
      } catch (e) { /* ignore */ }
    });
  }
  /* on a phone, a tap on a Korean block shows (or hides) its English */
  var main = document.querySelector("main");
  if (main) {
    main.addEventListener("click", function (ev) {
      var t = ev.target;
      if (!t || !t.closest || t.closest("a, summary, label, input")) return;
      var cell = t.closest(".row > .ko, .figtext > .ko");
      if (!cell || !window.matchMedia("(max-width: 900px)").matches) return;
      cell.parentNode.classList.toggle("open");
    });
  }
})();
