/* In-page measurements for the browser tests (evaluated by Playwright, which is not bound
   by the page's Content-Security-Policy). Each check returns a list of problems, as
   readable strings, so one test can report every element that misses a floor. */
window.zwChecks = (function () {
  "use strict";

  var TEXT_BLOCKS = "p, li, td, th, dd, dt";

  function describe(el) {
    var name = el.tagName.toLowerCase();
    if (el.id) name += "#" + el.id;
    if (typeof el.className === "string" && el.className.trim()) {
      name += "." + el.className.trim().split(/\s+/).join(".");
    }
    var text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().replace(/\s+/g, " ");
    return name + (text ? " “" + text.slice(0, 30) + "”" : "");
  }

  function isShown(el) {
    var style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden" || parseFloat(style.opacity) === 0) {
      return false;
    }
    var rect = el.getBoundingClientRect();
    return rect.width > 1 && rect.height > 1; /* 1 px: visually hidden, e.g. the skip link */
  }

  function ownText(el) {
    var text = "";
    for (var i = 0; i < el.childNodes.length; i++) {
      if (el.childNodes[i].nodeType === Node.TEXT_NODE) text += el.childNodes[i].nodeValue;
    }
    return text.trim();
  }

  /* ---- Colours ------------------------------------------------------------------------ */

  function parseColor(value) {
    var m = /rgba?\(([\d.]+)[, ]+([\d.]+)[, ]+([\d.]+)(?:[, /]+([\d.]+%?))?\)/.exec(value);
    if (!m) return null;
    var alpha = m[4] === undefined ? 1 : m[4].slice(-1) === "%" ? parseFloat(m[4]) / 100 : parseFloat(m[4]);
    return [parseFloat(m[1]), parseFloat(m[2]), parseFloat(m[3]), alpha];
  }

  /* The colour actually behind an element: the first opaque-ish background up the tree. */
  function backgroundBehind(el) {
    var layers = [];
    for (var node = el; node && node.nodeType === 1; node = node.parentElement) {
      var color = parseColor(getComputedStyle(node).backgroundColor);
      if (color && color[3] > 0) {
        layers.push(color);
        if (color[3] >= 1) break;
      }
    }
    var result = [255, 255, 255];
    for (var i = layers.length - 1; i >= 0; i--) {
      var a = layers[i][3];
      result = [0, 1, 2].map(function (k) {
        return layers[i][k] * a + result[k] * (1 - a);
      });
    }
    return result;
  }

  function luminance(rgb) {
    var c = rgb.map(function (v) {
      v /= 255;
      return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }

  function contrast(a, b) {
    var la = luminance(a);
    var lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  /* ---- Text size, line height, line length -------------------------------------------- */

  /* Every element with its own text in p/li/td/th/dd/dt (or inside one), and in the footer. */
  function textElements() {
    var result = [];
    var all = document.body.querySelectorAll("*");
    for (var i = 0; i < all.length; i++) {
      var el = all[i];
      if (!ownText(el) || !isShown(el)) continue;
      if (el.closest(".zw-toolbar")) continue; /* controls, checked as targets */
      if (el.matches(TEXT_BLOCKS) || el.closest(TEXT_BLOCKS) || el.closest("footer")) {
        result.push(el);
      }
    }
    return result;
  }

  function textProblems(minPx) {
    var problems = [];
    textElements().forEach(function (el) {
      var size = parseFloat(getComputedStyle(el).fontSize);
      if (size < minPx - 0.01) problems.push(describe(el) + ": " + size + "px < " + minPx + "px");
    });
    var blocks = document.body.querySelectorAll(TEXT_BLOCKS);
    for (var i = 0; i < blocks.length; i++) {
      var el = blocks[i];
      if (!isShown(el) || !el.innerText.trim()) continue;
      var style = getComputedStyle(el);
      var ratio = parseFloat(style.lineHeight) / parseFloat(style.fontSize);
      if (!(ratio >= 1.5 - 0.001)) problems.push(describe(el) + ": line height " + style.lineHeight + " < 1.5");
    }
    return problems;
  }

  /* Running text in the article: at most 40 CJK characters (1 em each) a line. */
  function lineLengthProblems() {
    var problems = [];
    var blocks = document.querySelectorAll("main p, main li, main dd");
    for (var i = 0; i < blocks.length; i++) {
      var el = blocks[i];
      if (!isShown(el) || !el.innerText.trim()) continue;
      var style = getComputedStyle(el);
      var width = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      var chars = width / parseFloat(style.fontSize);
      if (chars > 40.5) problems.push(describe(el) + ": lines " + chars.toFixed(1) + " characters wide");
    }
    return problems;
  }

  /* ---- Targets -------------------------------------------------------------------------- */

  var CONTROLS = "a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]";

  /* Running text (docs/elderly-and-accessibility.md, "Running text"): a link that sits inline
     in a sentence of prose in the page's main content. WCAG 2.5.8 exempts those; every
     other link, and every button, is a control of its own and gets the full target.
     - inline: its box is display inline (not a block, flex or inline-block box);
     - in prose: its block (nearest non-inline ancestor) is a p, li, dd, td, th or blockquote
       in <main> and not in a <nav> (a nav is a menu, never prose);
     - a sentence: the block's words outside its links hold a sentence mark (，。；！？, or
       , ; ! ? . before a space or the end); a label with links after it (下载：CSV、JSON)
       is a list of links, not a sentence;
     - not a handle: a link that begins a list item, definition or table cell names the item
       and is tapped as such (任务 links in a list), so it is a control.
     Text hidden from assistive technology (aria-hidden icons) does not count. */
  var PROSE_BLOCKS = "p, li, dd, td, th, blockquote";
  var ITEM_BLOCKS = "li, dd, td, th";
  var SENTENCE_MARK = /[\uFF0C\u3002\uFF1B\uFF01\uFF1F]|[,;!?.](\s|$)/;

  /* The block's words: outside links (all of them) or before `stop` (links included). */
  function blockWords(block, stop) {
    var words = "";
    var walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT, null, false);
    while (walker.nextNode()) {
      var node = walker.currentNode;
      var parent = node.parentElement;
      if (stop && stop.contains(node)) break;
      if (parent.closest("[aria-hidden=true]")) continue;
      if (!stop && parent.closest("a[href]")) continue;
      words += node.nodeValue;
    }
    return words.replace(/\s+/g, " ").trim();
  }

  function runningText(el) {
    if (el.tagName !== "A" || getComputedStyle(el).display !== "inline") return false;
    var block = el.parentElement;
    while (block && getComputedStyle(block).display === "inline") block = block.parentElement;
    if (!block || !block.matches(PROSE_BLOCKS) || !block.closest("main") || block.closest("nav")) return false;
    if (!SENTENCE_MARK.test(blockWords(block, null))) return false;
    return !(block.matches(ITEM_BLOCKS) && blockWords(block, el) === "");
  }

  function targetProblems() {
    var problems = [];
    var controls = document.querySelectorAll(CONTROLS);
    for (var i = 0; i < controls.length; i++) {
      var el = controls[i];
      if (!isShown(el) || runningText(el)) continue;
      var need = el.closest(".zw-toolbar") ? 60 : 44;
      var rect = el.getBoundingClientRect();
      if (rect.width < need - 0.5 || rect.height < need - 0.5) {
        problems.push(describe(el) + ": " + rect.width.toFixed(1) + "x" + rect.height.toFixed(1) + " < " + need);
      }
    }
    return problems;
  }

  /* ---- List markers ----------------------------------------------------------------------- */

  /* The marker's text as the browser draws it ("12. ", "b. ", "• "), for the usual types. */
  function markerText(li, type) {
    var list = li.parentElement;
    var items = Array.prototype.filter.call(list.children, function (c) { return c.tagName === "LI"; });
    var index = items.indexOf(li);
    var n = list.tagName !== "OL" ? index + 1
      : list.reversed ? (list.hasAttribute("start") ? list.start : items.length) - index
      : (list.hasAttribute("start") ? list.start : 1) + index;
    if (li.value && li.hasAttribute("value")) n = li.value;
    if (type === "decimal") return n + ". ";
    if (type === "lower-alpha" || type === "lower-latin") return String.fromCharCode(96 + ((n - 1) % 26) + 1) + ". ";
    if (type === "upper-alpha" || type === "upper-latin") return String.fromCharCode(64 + ((n - 1) % 26) + 1) + ". ";
    if (type === "disc" || type === "circle" || type === "square") return "\u2022 ";
    return "MM. "; /* other types: about as wide as two wide letters */
  }

  function textWidth(text, style) {
    var probe = document.createElement("span");
    probe.textContent = text;
    probe.style.cssText = "position:absolute;left:0;top:0;white-space:pre;visibility:hidden";
    probe.style.font = style.font;
    probe.style.fontFamily = style.fontFamily;
    probe.style.fontSize = style.fontSize;
    probe.style.fontWeight = style.fontWeight;
    document.body.appendChild(probe);
    var width = probe.getBoundingClientRect().width;
    probe.remove();
    return width;
  }

  /* The left edge of what can be seen at x: the window, and every ancestor that clips. */
  function visibleLeft(el) {
    var left = 0;
    for (var node = el.parentElement; node && node !== document.documentElement; node = node.parentElement) {
      if (getComputedStyle(node).overflowX !== "visible") {
        left = Math.max(left, node.getBoundingClientRect().left + node.clientLeft);
      }
    }
    return left;
  }

  /* Numbers of ordered lists and bullets of lists: an outside marker is drawn to the left of
     its item, so it must have room there, inside the window and any clipping box. */
  function markerProblems() {
    var problems = [];
    var items = document.querySelectorAll("ol > li, ul > li");
    for (var i = 0; i < items.length; i++) {
      var li = items[i];
      var style = getComputedStyle(li);
      if (style.display !== "list-item" || style.listStyleType === "none" || !isShown(li)) continue;
      if (style.listStylePosition !== "outside") continue; /* inside: part of the text */
      var text = markerText(li, style.listStyleType);
      var left = li.getBoundingClientRect().left - textWidth(text, getComputedStyle(li, "::marker"));
      var room = visibleLeft(li);
      if (left < room - 1) {
        problems.push(describe(li) + ": marker “" + text.trim() + "” starts at " + left.toFixed(0) + " px, left of " + room.toFixed(0));
      }
    }
    return problems;
  }

  /* ---- Reflow ----------------------------------------------------------------------------- */

  function overflowProblems() {
    var problems = [];
    var root = document.documentElement;
    var width = root.clientWidth;
    if (root.scrollWidth > width) problems.push("the page scrolls sideways: " + root.scrollWidth + " > " + width);
    var all = document.body.querySelectorAll("*");
    for (var i = 0; i < all.length && problems.length < 20; i++) {
      var el = all[i];
      if (el.closest(".table-wrap > *")) continue; /* scrolls inside its own wrapper */
      var rect = el.getBoundingClientRect();
      if (rect.width <= 1 || rect.height <= 1) continue;
      if (rect.right > width + 1 || rect.left < -1) {
        problems.push(describe(el) + ": spans " + rect.left.toFixed(0) + ".." + rect.right.toFixed(0) + " of " + width);
      }
    }
    return problems;
  }

  /* Text cut off: an element that clips its overflow while its content is larger. */
  function clippingProblems() {
    var problems = [];
    var all = document.body.querySelectorAll("*");
    for (var i = 0; i < all.length; i++) {
      var el = all[i];
      if (!isShown(el) || !el.innerText || !el.innerText.trim()) continue;
      var style = getComputedStyle(el);
      var clipsX = style.overflowX === "hidden" || style.overflowX === "clip";
      var clipsY = style.overflowY === "hidden" || style.overflowY === "clip";
      if ((clipsX && el.scrollWidth > el.clientWidth + 1) || (clipsY && el.scrollHeight > el.clientHeight + 1)) {
        problems.push(describe(el) + ": content " + el.scrollWidth + "x" + el.scrollHeight + " clipped to " + el.clientWidth + "x" + el.clientHeight);
      }
    }
    return problems;
  }

  /* ---- Focus ---------------------------------------------------------------------------- */

  /* The focused element's ring: width, style, contrast with what is behind it, and whether
     the element can be seen (inside the window, not covered by anything). */
  function focusState() {
    var el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    var style = getComputedStyle(el);
    var ring = parseColor(style.outlineColor) || [0, 0, 0, 0];
    var behind = backgroundBehind(el.parentElement || el);
    var rects = el.getClientRects();
    var rect = rects.length ? rects[0] : el.getBoundingClientRect();
    var x = Math.min(Math.max(rect.left + Math.min(rect.width / 2, 20), 0), innerWidth - 1);
    var y = Math.min(Math.max(rect.top + Math.min(rect.height / 2, 20), 0), innerHeight - 1);
    var hit = document.elementFromPoint(x, y);
    return {
      element: describe(el),
      outlineStyle: style.outlineStyle,
      outlineWidth: parseFloat(style.outlineWidth),
      contrast: contrast(ring.slice(0, 3), behind),
      inView: rect.bottom > 0 && rect.top < innerHeight && rect.right > 0 && rect.left < innerWidth,
      covered: !(hit && (hit === el || el.contains(hit))),
      coveredBy: hit ? describe(hit) : null,
      inMain: !!el.closest("main"),
    };
  }

  return {
    describe: describe,
    textProblems: textProblems,
    lineLengthProblems: lineLengthProblems,
    targetProblems: targetProblems,
    runningText: runningText,
    markerProblems: markerProblems,
    overflowProblems: overflowProblems,
    clippingProblems: clippingProblems,
    focusState: focusState,
    contrast: contrast,
    parseColor: parseColor,
  };
})();
