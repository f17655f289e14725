// The header's search box: "/" focuses it from anywhere except while typing in a field, as in
// most issue trackers. No inline scripts, so the content security policy holds.
(function () {
  "use strict";

  function typing(element) {
    if (!element) return false;
    var tag = element.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || element.isContentEditable;
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(document.activeElement)) return;
    var box = document.getElementById("site-search-q");
    if (!box) return;
    event.preventDefault();
    box.focus();
    box.select();
  });
})();
