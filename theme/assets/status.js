/* Task status in the browser: the rules of docs/status-rules.md, recomputed with today's date in
   China so that a site built months ago still shows whether a task's time limit has passed.
   generator/status.py implements the same rules at build time; tests/browser/test_status_parity.py
   checks that both give the same result, field by field. Change the document first, then both.

   Every element with data-zw-status (the JSON of generator.status.status_inputs) is refreshed on
   DOMContentLoaded: its [data-zw-status-label], [data-zw-status-icon] and [data-zw-status-words]
   texts, its zw-status--<code> class and data-zw-status-code. The build-time status stays as it
   is when the JSON cannot be read. Plain ES5 (old phones and PCs), no eval, no dependencies. */
(function () {
  "use strict";

  var LABELS = {
    overdue: "已过时限未见完成情况",
    in_progress: "推进中",
    not_due: "未到时限",
    routine: "常态推进",
    done: "已完成",
    done_late: "逾期完成",
    adjusted: "已调整",
    undetermined: "时限待定"
  };
  var ICONS = {
    overdue: "!",
    in_progress: "\u23F3",
    not_due: "\u25CB",
    routine: "\u21BB",
    done: "\u2713",
    done_late: "\u2611",
    adjusted: "\u21C4",
    undetermined: "?"
  };
  var DATED_KINDS = ["due", "year_round", "due_then_ongoing"];
  var ACTIVE_REPORTS = ["推进中", "常态推进"];
  var STALE_MONTHS = 6;
  var DAY_MS = 86400000;
  var CHINA_OFFSET_MS = 8 * 3600000;
  var ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
  var CLASS_PREFIX = "zw-status--";
  var TRIMMED = /^[ \t\n\r\u3000]+|[ \t\n\r\u3000]+$/g; /* the same set as generator/status.py */

  function contains(list, value) {
    return list.indexOf(value) >= 0;
  }

  /* ---- Dates as whole days since 1970-01-01 (UTC), so no time zone can shift them ---------- */

  function fromParts(year, month, day) {
    var date = new Date(0);
    date.setUTCFullYear(year, month - 1, day);
    return Math.round(date.getTime() / DAY_MS);
  }

  function parseDay(iso) {
    var match = typeof iso === "string" ? ISO_DATE.exec(iso) : null;
    if (!match) {
      return null;
    }
    var day = fromParts(+match[1], +match[2], +match[3]);
    return toIso(day) === iso ? day : null; /* 2023-02-30 is not a date */
  }

  function toIso(day) {
    return new Date(day * DAY_MS).toISOString().slice(0, 10);
  }

  function cnDate(day) {
    var date = new Date(day * DAY_MS);
    return date.getUTCFullYear() + "年" + (date.getUTCMonth() + 1) + "月" + date.getUTCDate() + "日";
  }

  /* Calendar months, clamped to the month's end: 2023-08-31 + 6 months = 2024-02-29. */
  function addMonths(day, months) {
    var date = new Date(day * DAY_MS);
    var index = date.getUTCFullYear() * 12 + date.getUTCMonth() + months;
    var year = Math.floor(index / 12);
    var month = index - year * 12 + 1;
    var last = new Date(fromParts(year, month + 1, 0) * DAY_MS).getUTCDate();
    return fromParts(year, month, Math.min(date.getUTCDate(), last));
  }

  /* ---- The rules (docs/status-rules.md sections 2 and 3) ----------------------------------- */

  function readInputs(inputs) {
    var reports = [];
    var list = inputs && inputs.reports ? inputs.reports : [];
    for (var i = 0; i < list.length; i++) {
      var day = parseDay(list[i].date);
      if (day !== null) {
        reports.push({ day: day, status: list[i].status, reason: list[i].reason });
      }
    }
    var kind = inputs ? inputs.kind : null;
    return { kind: kind, due: contains(DATED_KINDS, kind) ? parseDay(inputs.due) : null, reports: reports };
  }

  /* Reports after asOf are unknown yet; latest: greatest date, later in file on a tie;
     completion: the earliest 已完成, earlier in file on a tie. */
  function knownReports(reports, asOf) {
    var latest = null;
    var completion = null;
    for (var i = 0; i < reports.length; i++) {
      var report = reports[i];
      if (report.day > asOf) {
        continue;
      }
      if (latest === null || report.day >= latest.day) {
        latest = report;
      }
      if (report.status === "已完成" && (completion === null || report.day < completion.day)) {
        completion = report;
      }
    }
    return { latest: latest, completion: completion };
  }

  function make(code, words, fields) {
    return {
      code: code,
      label: LABELS[code],
      icon: ICONS[code],
      words: words,
      doneOn: fields.doneOn === undefined ? null : fields.doneOn,
      daysLate: fields.daysLate === undefined ? null : fields.daysLate,
      daysOverdue: fields.daysOverdue === undefined ? null : fields.daysOverdue,
      lastReport: fields.lastReport === undefined ? null : fields.lastReport,
      stale: fields.stale === true
    };
  }

  function reportOrNone(latest) {
    return latest === null ? "未见进展报告" : cnDate(latest.day) + " 报告尚未启动";
  }

  function completed(doneOn, due, lastReport) {
    if (due === null || doneOn <= due) {
      var words = "已完成：" + cnDate(doneOn) + " 报告完成";
      if (due !== null) {
        words += "，完成时限是 " + cnDate(due);
      }
      return make("done", words, { lastReport: lastReport, doneOn: doneOn });
    }
    var late = doneOn - due;
    return make(
      "done_late",
      "逾期完成（晚 " + late + " 天）：" + cnDate(doneOn) + " 报告完成，完成时限是 " + cnDate(due),
      { lastReport: lastReport, doneOn: doneOn, daysLate: late }
    );
  }

  function adjusted(latest) {
    var reason = typeof latest.reason === "string" ? latest.reason.replace(TRIMMED, "") : "";
    var head = "已调整（" + cnDate(latest.day);
    var words = reason ? head + " 报告）：" + reason : head + " 报告），未说明原因";
    return make("adjusted", words, { lastReport: latest.day });
  }

  function overdue(due, asOf, latest) {
    var days = asOf - due;
    var words = "已过完成时限，未见完成情况：完成时限是 " + cnDate(due) + "，已过 " + days + " 天";
    if (latest !== null) {
      words += "，最近一次报告在 " + cnDate(latest.day) + "（" + latest.status + "）";
    }
    return make("overdue", words, { lastReport: latest === null ? null : latest.day, daysOverdue: days });
  }

  function routine(latest, asOf) {
    if (latest === null) {
      return make("routine", "长期坚持，未见进展报告", { stale: true });
    }
    var stale = asOf > addMonths(latest.day, STALE_MONTHS);
    var words = "常态推进，最近一次报告在 " + cnDate(latest.day) + (stale ? "，已超过6个月未更新" : "");
    return make("routine", words, { lastReport: latest.day, stale: stale });
  }

  function statusOn(data, asOf) {
    var known = knownReports(data.reports, asOf);
    var latest = known.latest;
    var lastReport = latest === null ? null : latest.day;
    if (latest !== null && latest.status === "已调整") {
      return adjusted(latest);
    }
    if (known.completion !== null) {
      return completed(known.completion.day, data.due, lastReport);
    }
    var active = latest !== null && contains(ACTIVE_REPORTS, latest.status);
    if (data.due !== null) {
      if (asOf > data.due) {
        return overdue(data.due, asOf, latest);
      }
      if (active) {
        var words = "推进中：最近一次报告在 " + cnDate(lastReport) + "，完成时限是 " + cnDate(data.due);
        return make("in_progress", words, { lastReport: lastReport });
      }
      return make("not_due", "未到完成时限（" + cnDate(data.due) + "），" + reportOrNone(latest), {
        lastReport: lastReport
      });
    }
    if (data.kind === "ongoing") {
      return routine(latest, asOf);
    }
    var pending = data.kind === "none" ? "原文没有写完成时限" : "完成时限待定";
    if (active) {
      return make("in_progress", "推进中：最近一次报告在 " + cnDate(lastReport) + "，" + pending, {
        lastReport: lastReport
      });
    }
    return make("undetermined", pending + "，" + reportOrNone(latest), { lastReport: lastReport });
  }

  /* ---- The next day the code or stale flag changes by itself (rules section 4) ------------- */

  function ruleChange(result, data) {
    if ((result.code === "not_due" || result.code === "in_progress") && data.due !== null) {
      return data.due + 1;
    }
    if (result.code === "routine" && !result.stale && result.lastReport !== null) {
      return addMonths(result.lastReport, STALE_MONTHS) + 1;
    }
    return null;
  }

  function nextReportDay(reports, after) {
    var next = null;
    for (var i = 0; i < reports.length; i++) {
      if (reports[i].day > after && (next === null || reports[i].day < next)) {
        next = reports[i].day;
      }
    }
    return next;
  }

  function changeDay(data, asOf, result) {
    var day = asOf;
    var current = result;
    for (var step = 0; step < data.reports.length + 2; step++) {
      var rule = ruleChange(current, data);
      var report = nextReportDay(data.reports, day);
      if (rule === null && report === null) {
        return null;
      }
      day = rule === null ? report : report === null ? rule : Math.min(rule, report);
      current = statusOn(data, day);
      if (current.code !== result.code || current.stale !== result.stale) {
        return day;
      }
    }
    return null;
  }

  function compute(inputs, asOfIso) {
    var asOf = parseDay(asOfIso);
    if (asOf === null) {
      throw new Error("zwStatus.compute: the date must be YYYY-MM-DD, got " + asOfIso);
    }
    var data = readInputs(inputs);
    var result = statusOn(data, asOf);
    var changesOn = changeDay(data, asOf, result);
    return {
      code: result.code,
      label: result.label,
      icon: result.icon,
      words: result.words,
      doneOn: result.doneOn === null ? null : toIso(result.doneOn),
      daysLate: result.daysLate,
      daysOverdue: result.daysOverdue,
      lastReport: result.lastReport === null ? null : toIso(result.lastReport),
      stale: result.stale,
      changesOn: changesOn === null ? null : toIso(changesOn)
    };
  }

  function todayInChina() {
    return new Date(Date.now() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
  }

  /* ---- The page ------------------------------------------------------------------------ */

  function setText(element, selector, text) {
    var target = element.querySelector(selector);
    if (target && target.textContent !== text) {
      target.textContent = text; /* unchanged text keeps the build's <time> elements */
    }
  }

  function setCode(element, code) {
    var kept = [];
    var names = (element.getAttribute("class") || "").split(/\s+/);
    for (var i = 0; i < names.length; i++) {
      if (names[i] && names[i].indexOf(CLASS_PREFIX) !== 0) {
        kept.push(names[i]);
      }
    }
    kept.push(CLASS_PREFIX + code);
    element.setAttribute("class", kept.join(" "));
    element.setAttribute("data-zw-status-code", code);
  }

  function refreshOne(element, today) {
    var result;
    try {
      result = compute(JSON.parse(element.getAttribute("data-zw-status")), today);
    } catch (e) {
      return false; /* unreadable inputs: the build-time status stays */
    }
    setText(element, "[data-zw-status-label]", result.label);
    setText(element, "[data-zw-status-icon]", result.icon);
    setText(element, "[data-zw-status-words]", result.words);
    setCode(element, result.code);
    return true;
  }

  /* Recompute every status inside `root` (and root itself); returns how many were updated. */
  function refresh(root) {
    var scope = root || document;
    var today = todayInChina();
    var elements = Array.prototype.slice.call(scope.querySelectorAll("[data-zw-status]"));
    if (scope.getAttribute && scope.hasAttribute("data-zw-status")) {
      elements.unshift(scope);
    }
    var updated = 0;
    for (var i = 0; i < elements.length; i++) {
      if (refreshOne(elements[i], today)) {
        updated += 1;
      }
    }
    return updated;
  }

  window.zwStatus = { compute: compute, todayInChina: todayInChina, refresh: refresh };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      refresh(document);
    });
  } else {
    refresh(document);
  }
})();
