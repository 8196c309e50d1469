/* 我的地区: the reader's own district, remembered in this browser (localStorage), so that the
   header links to it from every page instead of listing every district.
   - Loaded in <head> (theme/base.html), before the header exists: when a district is
     remembered, it watches the page being parsed and fills in and shows the header's link
     (a[data-zw-mine]) in the same task that parsed it, so before that part is painted.
   - On a district or plan page the 设为我的地区 button (generator/templates/_macros.html.j2,
     my_district) remembers that district, or forgets it when it is the one remembered.
   Without JavaScript or storage nothing is shown and nothing else changes. Plain ES5. */
(function () {
  "use strict";

  var STORAGE_KEY = "zw-my-district";
  var MAX_NAME = 40;
  var SET_WORDS = "设为我的地区";
  var UNSET_WORDS = "不再记住这个地区";

  /* An address of this site (same scheme, host and port), made absolute: a stored district
     never links elsewhere, and it still works from a page at another depth (or another part
     of the site published on the same host). */
  function ownAddress(url) {
    if (typeof url !== "string" || !url) {
      return null;
    }
    var a = document.createElement("a");
    a.href = url;
    if (a.protocol + "//" + a.host !== location.protocol + "//" + location.host) {
      return null;
    }
    if (a.protocol !== "http:" && a.protocol !== "https:") {
      return null;
    }
    return a.href;
  }

  function load() {
    try {
      var stored = JSON.parse(window.localStorage.getItem(STORAGE_KEY) || "null");
      if (stored && typeof stored.name === "string" && stored.name && stored.name.length <= MAX_NAME) {
        var url = ownAddress(stored.url);
        if (url) {
          return { name: stored.name, url: url };
        }
      }
    } catch (e) {
      /* no storage, or something else written under our key: as if nothing were stored */
    }
    return null;
  }

  function save(choice) {
    try {
      if (choice) {
        window.localStorage.setItem(STORAGE_KEY, JSON.stringify(choice));
      } else {
        window.localStorage.removeItem(STORAGE_KEY);
      }
      return true;
    } catch (e) {
      return false;
    }
  }

  /* True once the header's link (with its name) is in the page and shows `choice`. */
  function showInHeader(choice) {
    var link = document.querySelector("[data-zw-mine]");
    var name = link ? link.querySelector("[data-zw-mine-name]") : null;
    if (!name) {
      return false;
    }
    if (choice) {
      link.setAttribute("href", choice.url);
      name.textContent = choice.name;
      link.removeAttribute("hidden");
    } else {
      link.setAttribute("hidden", "");
    }
    return true;
  }

  /* Mutation records are handled at the end of the parser's task, and a page is painted only
     between tasks: the link is shown in the first paint that has the header. */
  function showWhenParsed(choice) {
    if (showInHeader(choice) || !window.MutationObserver) {
      return;
    }
    var observer = new MutationObserver(function () {
      if (showInHeader(choice)) {
        observer.disconnect();
      }
    });
    observer.observe(document.documentElement, { childList: true, subtree: true });
    document.addEventListener("DOMContentLoaded", function () {
      observer.disconnect();
      showInHeader(choice);
    });
  }

  /* Each 设为我的地区 button says what pressing it will do for the district of its page. */
  function showButtons(choice) {
    var buttons = document.querySelectorAll("[data-zw-mine-set]");
    for (var i = 0; i < buttons.length; i++) {
      var mine = !!choice && ownAddress(buttons[i].getAttribute("data-zw-mine-url")) === choice.url;
      buttons[i].textContent = mine ? UNSET_WORDS : SET_WORDS;
    }
  }

  function say(button, message) {
    var box = button.closest ? button.closest(".zw-mine-set") : null;
    var status = box ? box.querySelector("[data-zw-mine-status]") : null;
    if (status) {
      status.textContent = message;
    }
  }

  function toggle(button) {
    var current = load();
    var url = ownAddress(button.getAttribute("data-zw-mine-url"));
    var name = button.getAttribute("data-zw-mine-name") || "";
    if (!url || !name) {
      return;
    }
    var forget = !!current && current.url === url;
    var choice = forget ? null : { name: name.slice(0, MAX_NAME), url: url };
    if (!save(choice)) {
      say(button, "浏览器不允许本站保存设置（例如在无痕或隐私模式下），没能记住您的地区。可以把本页加入书签。");
      return;
    }
    showInHeader(choice);
    showButtons(choice);
    say(button, forget
      ? "已经不再记住" + name + "。页面上方不再显示“我的地区”。"
      : "已把" + name + "设为我的地区。每一页的上方都有“我的地区：" + name + "”，点它就回到这里。");
  }

  var remembered = load();
  if (remembered) {
    showWhenParsed(remembered);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-zw-mine-set]") : null;
    if (button) {
      toggle(button);
    }
  });

  function ready() {
    showButtons(load());
  }

  /* Chosen in another tab of the same site: follow it. */
  window.addEventListener("storage", function (event) {
    if (event.key === STORAGE_KEY || event.key === null) {
      var choice = load();
      showInHeader(choice);
      showButtons(choice);
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
