/* The site's own behaviour (no third-party code): the display settings toolbar, the phone
   menu button and read aloud (朗读). Loaded at the end of <body>; prefs.js has already
   applied the saved settings to <html>. Plain ES5 so old phones and PCs run it. */
(function () {
  "use strict";

  var root = document.documentElement;
  var STORAGE_KEY = "zw-display";
  var status = document.getElementById("zw-status");

  function say(message) {
    if (status) {
      status.textContent = message;
    }
  }

  /* ---- Display settings: text size and high contrast ---------------------------------- */

  function loadSettings() {
    try {
      return JSON.parse(window.localStorage.getItem(STORAGE_KEY) || "{}") || {};
    } catch (e) {
      return {};
    }
  }

  function saveSettings(settings) {
    try {
      window.localStorage.setItem(STORAGE_KEY, JSON.stringify(settings));
    } catch (e) {
      say("浏览器不允许保存设置，本次有效，换页后需要重新选择。");
    }
  }

  function currentSize() {
    return root.getAttribute("data-zw-size") || "standard";
  }

  function hasContrast() {
    return (" " + root.className + " ").indexOf(" zw-contrast ") >= 0;
  }

  function showPressed() {
    var size = currentSize();
    var sizeButtons = document.querySelectorAll("[data-zw-set-size]");
    for (var i = 0; i < sizeButtons.length; i++) {
      var pressed = sizeButtons[i].getAttribute("data-zw-set-size") === size;
      sizeButtons[i].setAttribute("aria-pressed", pressed ? "true" : "false");
    }
    var contrastButton = document.querySelector("[data-zw-contrast]");
    if (contrastButton) {
      contrastButton.setAttribute("aria-pressed", hasContrast() ? "true" : "false");
    }
  }

  function applySize(size) {
    if (size === "large" || size === "xlarge") {
      root.setAttribute("data-zw-size", size);
    } else {
      root.removeAttribute("data-zw-size");
    }
  }

  function applyContrast(on) {
    var classes = root.className.split(/\s+/).filter(function (name) {
      return name && name !== "zw-contrast";
    });
    if (on) {
      classes.push("zw-contrast");
    }
    root.className = classes.join(" ");
  }

  function remember() {
    saveSettings({ size: currentSize(), contrast: hasContrast() });
    showPressed();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button") : null;
    if (!button) {
      return;
    }
    if (button.hasAttribute("data-zw-set-size")) {
      applySize(button.getAttribute("data-zw-set-size"));
      remember();
    } else if (button.hasAttribute("data-zw-contrast")) {
      applyContrast(!hasContrast());
      remember();
    }
  });

  showPressed();

  /* ---- Phone menu: a real button showing or hiding the navigation --------------------- */

  var menuButton = document.querySelector(".zw-menu-button");
  var nav = document.getElementById("zw-nav");

  function setMenu(open) {
    menuButton.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      nav.className += " zw-nav--open";
    } else {
      nav.className = nav.className.replace(/\s*zw-nav--open/g, "");
    }
  }

  if (menuButton && nav) {
    menuButton.addEventListener("click", function () {
      setMenu(menuButton.getAttribute("aria-expanded") !== "true");
    });
    nav.addEventListener("keydown", function (event) {
      if ((event.key === "Escape" || event.key === "Esc") && menuButton.getAttribute("aria-expanded") === "true") {
        setMenu(false);
        menuButton.focus();
      }
    });
  }

  /* ---- Read aloud (朗读) with the browser's own speech and a Chinese voice -------------- */

  var readButton = document.querySelector("[data-zw-read]");
  var reading = false;
  var NO_SPEECH = "您的浏览器不支持朗读。可以换用手机或电脑自带的浏览器（如新版的 Edge、Chrome、Safari）再试。";
  var NO_VOICE = "您的设备上没有中文语音，暂时不能朗读。可以在手机或电脑的“设置”里添加中文（普通话）语音后再试。";

  function setReading(on) {
    reading = on;
    if (readButton) {
      readButton.textContent = on ? "停止朗读" : "朗读";
    }
  }

  /* The page's main text only: the article, not the toolbar, menus or footer, and not
     the menus inside the article either (breadcrumbs, contents, "next task" links) nor
     forms. Text is gathered block by block, so sentences of two blocks do not run together. */
  var SKIP = "nav, form, button, script, style, template, [hidden], [aria-hidden='true'], .zw-noread";
  var BLOCK = /^(ADDRESS|ARTICLE|ASIDE|BLOCKQUOTE|CAPTION|DD|DETAILS|DIV|DL|DT|FIGCAPTION|FIGURE|FOOTER|H[1-6]|HEADER|LI|MAIN|OL|P|PRE|SECTION|SUMMARY|TABLE|TD|TH|TR|UL)$/;

  function mainText() {
    var article = document.querySelector(".zw-article") || document.querySelector("main");
    if (!article) {
      return "";
    }
    var walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT, null, false);
    var parts = [];
    var lastBlock = null;
    while (walker.nextNode()) {
      var node = walker.currentNode;
      var parent = node.parentNode;
      if (!node.nodeValue.trim() || (parent.closest && parent.closest(SKIP)) || !parent.getClientRects().length) {
        continue;
      }
      var block = parent;
      while (block !== article && !BLOCK.test(block.nodeName)) {
        block = block.parentNode;
      }
      if (lastBlock && block !== lastBlock) {
        parts.push("\n");
      }
      parts.push(node.nodeValue);
      lastBlock = block;
    }
    return parts.join("");
  }

  /* Short pieces, cut after sentence ends: some browsers stop a long utterance after about
     fifteen seconds, and short pieces let "stop" act at once. */
  function pieces(text) {
    var sentences = text.match(/[^。！？；!?;\n]+[。！？；!?;]*/g) || [];
    var result = [];
    var current = "";
    for (var i = 0; i < sentences.length; i++) {
      var sentence = sentences[i].replace(/\s+/g, " ").trim();
      if (!sentence) {
        continue;
      }
      if (current && current.length + sentence.length > 120) {
        result.push(current);
        current = "";
      }
      current += (current ? " " : "") + sentence;
    }
    if (current) {
      result.push(current);
    }
    return result;
  }

  /* Prefer Mandarin for mainland China, then any other Chinese voice. */
  function chineseVoice(voices) {
    var best = null;
    var bestScore = 0;
    for (var i = 0; i < voices.length; i++) {
      var lang = String(voices[i].lang || "").replace(/_/g, "-").toLowerCase();
      var score = 0;
      if (lang === "zh-cn" || lang === "zh-hans-cn" || lang === "cmn-hans-cn" || lang === "cmn-cn") {
        score = 3;
      } else if (lang === "zh" || lang.indexOf("zh-hans") === 0 || lang.indexOf("cmn") === 0 || lang === "zh-sg") {
        score = 2;
      } else if (lang.indexOf("zh") === 0) {
        score = 1;
      }
      if (score > bestScore) {
        best = voices[i];
        bestScore = score;
      }
    }
    return best;
  }

  /* Voices load late in some browsers: wait for voiceschanged, or give up after a moment
     (some never send it) and report that there is no voice. */
  function withVoices(synth, callback) {
    var voices = synth.getVoices() || [];
    if (voices.length) {
      callback(voices);
      return;
    }
    var done = false;
    function finish() {
      if (!done) {
        done = true;
        callback(synth.getVoices() || []);
      }
    }
    if (synth.addEventListener) {
      synth.addEventListener("voiceschanged", finish);
    }
    window.setTimeout(finish, 2000);
  }

  function stopReading(message) {
    if (window.speechSynthesis) {
      window.speechSynthesis.cancel();
    }
    setReading(false);
    say(message);
  }

  function startReading() {
    var synth = window.speechSynthesis;
    if (!synth || !("SpeechSynthesisUtterance" in window)) {
      say(NO_SPEECH);
      return;
    }
    say("正在准备朗读……");
    withVoices(synth, function (voices) {
      var voice = chineseVoice(voices);
      if (!voice) {
        say(NO_VOICE);
        return;
      }
      var parts = pieces(mainText());
      if (!parts.length) {
        say("这一页没有可以朗读的正文。");
        return;
      }
      synth.cancel();
      setReading(true);
      say("正在朗读正文。按“停止朗读”可以停下。");
      for (var i = 0; i < parts.length; i++) {
        var utterance = new window.SpeechSynthesisUtterance(parts[i]);
        utterance.lang = "zh-CN";
        utterance.voice = voice;
        utterance.rate = 0.9;
        utterance.onerror = function (event) {
          if (reading && event.error !== "interrupted" && event.error !== "canceled") {
            stopReading("朗读中断了，请再试一次。");
          }
        };
        if (i === parts.length - 1) {
          utterance.onend = function () {
            if (reading) {
              setReading(false);
              say("朗读完毕。");
            }
          };
        }
        synth.speak(utterance);
      }
    });
  }

  if (readButton) {
    readButton.addEventListener("click", function () {
      if (reading) {
        stopReading("已停止朗读。");
      } else {
        startReading();
      }
    });
    /* Leaving the page stops the voice (some browsers keep talking otherwise). */
    window.addEventListener("pagehide", function () {
      if (reading) {
        window.speechSynthesis.cancel();
      }
    });
  }
})();
