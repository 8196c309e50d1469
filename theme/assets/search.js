/* The search page (/search/): a form, six filters and a list of task cards, driven by the
   Pagefind JS API (/pagefind/pagefind.js).

   Our own small UI rather than Pagefind's Component UI, because:
   - a query must be turned into search keys first (search-keys.js, Pagefind issue #1237),
     and the Component UI sends the typed words to Pagefind as they are;
   - its filter components label groups with the raw filter names ("District") and options
     with English counts ("2 results"); here every label is Chinese;
   - native <select> filters are what older readers know from every other form, on a phone
     they open the system's own large picker, and keyboard use needs nothing new.

   The header's search box is a plain form that opens this page with ?q=…; so does this
   form without JavaScript. The number of results is announced in a polite live region. */

import { queryKeys } from "./search-keys.js";

const PAGE_SIZE = 10;
const DEBOUNCE_MS = 300;
const FILTERS = ["district", "year", "unit", "theme", "deadline", "status"];
/* The 进展状态 filter's values in the order of generator/status.py's STATUS_CODES (most urgent
   first), by label; tests/test_search_index.py checks that the two lists agree. */
const STATUS_ORDER = ["已过时限未见完成情况", "推进中", "未到时限", "常态推进", "已完成", "逾期完成", "已调整", "时限待定"];
const ROOT = new URL("../", import.meta.url); // the site root: this file is /assets/search.js
const collator = new Intl.Collator("zh-Hans-CN");

const box = document.getElementById("zw-search");
const form = document.querySelector("[data-zw-search-form]");
const input = document.getElementById("zw-search-q");
const options = document.querySelector("[data-zw-search-filters]"); // <details> with the filters
const clearButton = document.querySelector("[data-zw-search-clear]");
const statusLine = document.getElementById("zw-search-status");
const heading = document.getElementById("zw-search-heading");
const list = document.getElementById("zw-search-results");
const moreButton = document.getElementById("zw-search-more");
const statusHint = document.querySelector("[data-zw-status-hint]");
const selects = {};
for (const name of FILTERS) {
  selects[name] = form.querySelector(`select[data-filter="${name}"]`);
}

let pagefind = null;
let allFilters = {}; // filter -> value -> number of tasks on the whole site
let searchId = 0;
let shown = []; // results of the current search
let shownCount = 0;
let timer = null;

/* ---- Reading and writing the form and the address ------------------------------------ */

function currentFilters() {
  const filters = {};
  for (const name of FILTERS) {
    if (selects[name].value) filters[name] = selects[name].value;
  }
  return filters;
}

function readAddress() {
  const params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";
  for (const name of FILTERS) {
    const value = params.get(name);
    if (value) setSelect(selects[name], value);
  }
}

function writeAddress() {
  const params = new URLSearchParams();
  if (input.value.trim()) params.set("q", input.value.trim());
  for (const [name, value] of Object.entries(currentFilters())) params.set(name, value);
  const query = params.toString();
  const url = window.location.pathname + (query ? "?" + query : "");
  window.history.replaceState(null, "", url);
}

function setSelect(select, value) {
  if (![...select.options].some((option) => option.value === value)) {
    select.add(new Option(value, value));
  }
  select.value = value;
}

/* ---- Filters ------------------------------------------------------------------------- */

/* 2022年第四季度 -> 20224; 长期 and 未定 last. */
function deadlineOrder(value) {
  const match = /^(\d{4})年第([一二三四])季度$/.exec(value);
  return match ? Number(match[1]) * 10 + "一二三四".indexOf(match[2]) + 1 : value === "长期" ? 1e6 : 1e6 + 1;
}

/* A status's place in STATUS_ORDER; a label it lacks goes last. */
function statusOrder(value) {
  const index = STATUS_ORDER.indexOf(value);
  return index < 0 ? STATUS_ORDER.length : index;
}

function sortedValues(name, values) {
  if (name === "deadline") return values.sort((a, b) => deadlineOrder(a) - deadlineOrder(b));
  if (name === "status") return values.sort((a, b) => statusOrder(a) - statusOrder(b) || collator.compare(a, b));
  if (name === "year") return values.sort((a, b) => Number(a) - Number(b));
  return values.sort(collator.compare);
}

/* Options list every value on the site, each with the number of tasks choosing it would
   show: for the current search and the other conditions, or on the whole site before any
   search. A filter that already has a value shows no numbers: Pagefind counts only the
   results that match it, so every other value would read 0. The unit list (over a hundred
   names) keeps only the units that have results, so a reader need not scroll past the rest. */
const SHORTENED = new Set(["unit"]);

function fillFilters(counts, filters) {
  for (const name of FILTERS) {
    const select = selects[name];
    const chosen = select.value;
    const values = sortedValues(name, Object.keys(allFilters[name] || {}));
    const numbers = !counts ? allFilters[name] : filters[name] ? null : counts[name] || {};
    while (select.options.length > 1) select.remove(1);
    for (const value of values) {
      if (numbers && SHORTENED.has(name) && !numbers[value]) continue;
      const label = name === "year" ? `${value}年` : value;
      select.add(new Option(numbers ? `${label}（${numbers[value] || 0}项）` : label, value));
    }
    if (chosen) setSelect(select, chosen);
  }
}

/* ---- Searching ----------------------------------------------------------------------- */

function say(message) {
  statusLine.textContent = message;
}

/* data-state on #zw-search: searching, done (results or a message shown), idle (nothing
   asked yet) or error. Tests and the benchmark wait for it (the benchmark also reads the
   performance marks); CSS does not use it. */
function setState(state) {
  box.dataset.state = state;
  performance.mark(`zw-search:${state}`);
}

function describeFilters(filters) {
  const labels = {
    district: "地区", year: "年份", unit: "负责单位", theme: "主题", deadline: "完成时限", status: "进展状态",
  };
  const parts = Object.entries(filters).map(([name, value]) => `${labels[name]}：${value}`);
  return parts.length ? `（条件：${parts.join("，")}）` : "";
}

function clearResults() {
  shown = [];
  shownCount = 0;
  list.replaceChildren();
  heading.hidden = true;
  moreButton.hidden = true;
}

async function runSearch() {
  const id = ++searchId;
  const query = input.value.trim();
  const filters = currentFilters();
  writeAddress();
  if (!query && !Object.keys(filters).length) {
    clearResults();
    fillFilters(null, filters);
    say("");
    setState("idle");
    return;
  }
  const keys = queryKeys(query);
  if (query && !keys.length) {
    clearResults();
    say("请输入文字或数字再搜索。");
    setState("done");
    return;
  }
  setState("searching");
  const search = await pagefind.search(keys.length ? keys.join(" ") : null, { filters });
  if (id !== searchId) return; // a newer search has started
  fillFilters(search.filters, filters);
  clearResults();
  shown = search.results;
  const what = query ? `含有“${query}”的` : "";
  if (!shown.length) {
    say(`没有找到${what}任务${describeFilters(filters)}。可以换一个词，或者减少条件。`);
    setState("done");
    return;
  }
  heading.hidden = false;
  await showMore(id, false);
  if (id !== searchId) return;
  say(`找到 ${shown.length} 项${what}任务${describeFilters(filters)}。`);
  setState("done");
}

/* Append the next PAGE_SIZE cards; `focusFirst` moves focus to the first new card (after
   "显示更多结果", so keyboard and screen reader users continue where the new cards start). */
async function showMore(id, focusFirst) {
  const batch = shown.slice(shownCount, shownCount + PAGE_SIZE);
  moreButton.disabled = true; // a second press while loading would add the same cards twice
  const data = await Promise.all(batch.map((result) => result.data()));
  moreButton.disabled = false;
  if (id !== searchId) return;
  const cards = data.map(card);
  list.append(...cards);
  shownCount += batch.length;
  const left = shown.length - shownCount;
  moreButton.hidden = left <= 0;
  moreButton.textContent = `显示更多结果（还有 ${left} 项）`;
  if (focusFirst && cards.length) cards[0].querySelector("a").focus();
}

function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

/* A task's status today in China (assets/status.js, a classic script that runs before this
   module, docs/status-rules.md); the status on the build date, from the metadata, when
   status.js did not load or the inputs cannot be read. Null when the page has neither. */
function cardStatus(meta) {
  const built = meta.status ? { code: meta.status_code, label: meta.status, icon: meta.status_icon } : null;
  if (!window.zwStatus || !meta.status_inputs) return built;
  try {
    return window.zwStatus.compute(JSON.parse(meta.status_inputs), window.zwStatus.todayInChina());
  } catch (error) {
    return built;
  }
}

/* Icon and label, as the site's lists show a status (_status.html.j2's status_badge): the icon
   is decoration, hidden from screen readers; the label is the text. */
function statusBadge(status) {
  const badge = element("span", status.code ? `zw-status zw-status--${status.code}` : "zw-status");
  const icon = element("span", "zw-status__icon", status.icon || "");
  icon.setAttribute("aria-hidden", "true");
  badge.append(icon, " ", element("span", "zw-status__label", status.label));
  return badge;
}

function fact(label, value) {
  const row = element("div", "zw-result__fact");
  const answer = element("dd");
  answer.append(value);
  row.append(element("dt", "", label), answer);
  return row;
}

/* One result: title link (district, year, number), the start of the text, status, units, deadline. */
function card(data) {
  const meta = data.meta || {};
  const item = element("li", "zw-result");
  const title = element("h3", "zw-result__title");
  const link = element("a", "zw-result__link", meta.title || data.url);
  link.href = data.url;
  title.append(link);
  item.append(title);
  if (meta.summary) item.append(element("p", "zw-result__summary", meta.summary));
  const facts = element("dl", "zw-result__facts");
  const status = cardStatus(meta);
  if (status) facts.append(fact("进展状态", statusBadge(status)));
  for (const [label, value] of [["负责单位", meta.units], ["完成时限", meta.deadline]]) {
    if (value) facts.append(fact(label, value));
  }
  item.append(facts);
  return item;
}

function searchSoon() {
  setState("searching");
  window.clearTimeout(timer);
  timer = window.setTimeout(() => runSearch().catch(failed), DEBOUNCE_MS);
}

function searchNow() {
  window.clearTimeout(timer);
  runSearch().catch(failed);
}

function failed(error) {
  setState("error");
  say("搜索出了问题，请刷新页面再试；也可以用下面的“按单位查”“按主题查”查找。");
  console.error(error);
}

/* ---- Start --------------------------------------------------------------------------- */

/* The 进展状态 filter holds each task's status on the build's reference date, not today's:
   the hint names that date (theme/search.html puts it in <meta name="zw-as-of">). */
function showStatusDate() {
  const iso = document.querySelector('meta[name="zw-as-of"]')?.content || "";
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!statusHint || !match) return;
  const day = element("time", "", `${match[1]}年${Number(match[2])}月${Number(match[3])}日`);
  day.dateTime = iso;
  statusHint.replaceChildren("按 ", day, " 的进展状态筛选。");
}

async function start() {
  pagefind = await import(new URL("pagefind/pagefind.js", ROOT).href);
  await pagefind.options({ baseUrl: ROOT.pathname });
  await pagefind.init();
  allFilters = await pagefind.filters();
  fillFilters(null, {});
  showStatusDate();
  readAddress();
  document.querySelector("[data-zw-search-nojs]").hidden = true;
  options.hidden = false;
  options.open = Object.keys(currentFilters()).length > 0;

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    searchNow();
  });
  input.addEventListener("input", searchSoon);
  for (const select of Object.values(selects)) select.addEventListener("change", searchNow);
  clearButton.addEventListener("click", () => {
    for (const select of Object.values(selects)) select.value = "";
    searchNow();
    input.focus();
  });
  moreButton.addEventListener("click", () => showMore(searchId, true).catch(failed));
  if (input.value.trim() || Object.keys(currentFilters()).length) {
    searchNow();
  } else {
    setState("idle");
  }
}

start().catch(failed);
