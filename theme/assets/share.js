/* Print and share (no third-party code, no request to any host):
   - every [data-zw-print] button prints the page (window.print);
   - on a notice-board sheet, the print date is the reader's date: written in when the page
     opens and again just before printing (without JavaScript the sheet shows the build date,
     labelled as such, see theme/print.html);
   - on a task page, the 复制本页地址 button copies the address from its read-only field with
     the clipboard API; where that is missing or refused (an old browser, a page not served
     over https) it selects the address in the field, tries the old copy command, and says
     what to do. The result is announced in the block's live region.
   Plain ES5, like site.js, so old phones and PCs run it. */
(function () {
  "use strict";

  /* ---- 打印 buttons ------------------------------------------------------------------- */

  function bindPrintButtons() {
    var buttons = document.querySelectorAll("[data-zw-print]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener("click", function () {
        fillPrintDate();
        window.print();
      });
    }
  }

  /* ---- The sheet's print date ----------------------------------------------------------- */

  function two(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function fillPrintDate() {
    var date = document.querySelector("[data-zw-print-date]");
    if (!date) {
      return;
    }
    var now = new Date();
    var y = now.getFullYear();
    var m = now.getMonth() + 1;
    var d = now.getDate();
    date.setAttribute("datetime", y + "-" + two(m) + "-" + two(d));
    date.textContent = y + "年" + m + "月" + d + "日";
    var label = document.querySelector("[data-zw-print-label]");
    if (label) {
      label.textContent = "打印日期";
    }
    var note = document.querySelector("[data-zw-print-note]");
    if (note) {
      note.textContent = "（打印当天的日期）";
    }
  }

  /* ---- Copy the page's address ------------------------------------------------------------ */

  function announce(region, message) {
    if (!region) {
      return;
    }
    /* Emptied first so that the same message, said twice, is read out twice. */
    region.textContent = "";
    window.setTimeout(function () {
      region.textContent = message;
    }, 50);
  }

  function selectAddress(field) {
    field.focus();
    field.select();
    if (field.setSelectionRange) {
      field.setSelectionRange(0, field.value.length);
    }
  }

  function copyBySelection(field, region) {
    selectAddress(field);
    var copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (e) {
      copied = false;
    }
    announce(region, copied ? "已复制本页地址。" : "地址已选中：请按 Ctrl+C 复制（手机上长按选中的地址，再点“复制”）。");
  }

  function copyAddress(field, region) {
    var clipboard = window.navigator.clipboard;
    if (!clipboard || typeof clipboard.writeText !== "function") {
      copyBySelection(field, region);
      return;
    }
    clipboard.writeText(field.value).then(
      function () {
        announce(region, "已复制本页地址，可以粘贴到微信、短信里发给别人。");
      },
      function () {
        copyBySelection(field, region);
      }
    );
  }

  function bindCopyButtons() {
    var buttons = document.querySelectorAll("[data-zw-copy]");
    for (var i = 0; i < buttons.length; i++) {
      (function (button) {
        var field = document.getElementById(button.getAttribute("data-zw-copy"));
        if (!field) {
          return;
        }
        /* Without a published address the build leaves the field empty: the address the
           reader is looking at is the one to share. */
        if (!field.value) {
          field.value = window.location.href.split("#")[0];
        }
        var block = button.closest ? button.closest(".zw-share") : null;
        var region = block ? block.querySelector("[data-zw-copy-status]") : null;
        button.addEventListener("click", function () {
          copyAddress(field, region);
        });
      })(buttons[i]);
    }
  }

  fillPrintDate();
  window.addEventListener("beforeprint", fillPrintDate);
  bindPrintButtons();
  bindCopyButtons();
})();
