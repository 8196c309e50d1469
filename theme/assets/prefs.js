/* Runs synchronously in <head>, before anything is painted: applies the reader's saved
   display settings to <html> so a page never flashes in the small size or low contrast.
   Kept tiny and in old-browser JavaScript (ES5). site.js saves the settings. */
(function () {
  var root = document.documentElement;
  var classes = root.className ? [root.className] : [];
  classes.push("zw-js");
  try {
    var saved = JSON.parse(window.localStorage.getItem("zw-display") || "{}") || {};
    if (saved.size === "large" || saved.size === "xlarge") {
      root.setAttribute("data-zw-size", saved.size);
    }
    if (saved.contrast === true) {
      classes.push("zw-contrast");
    }
  } catch (e) {
    /* Storage blocked or corrupt: keep the defaults. */
  }
  root.className = classes.join(" ");
})();
