/* The search page (/search/): a form, six filters and a list of task cards, driven by the
   Pagefind JS API (/pagefind/pagefind.js) and the site's search keys (search-keys.js).

   Our own small UI rather than Pagefind's Component UI, because:
   - a query must be turned into search keys first (search-keys.js, generator/search.py);
   - every result said to contain the query must contain it: the count, the ranking (tasks
     whose requirement text holds the query first) and the "where it matched" line of each
     card come from the keys, and related tasks (other spellings, synonyms, pinyin …, in
     search-fallback.js) are listed apart and never counted;
   - filters and cards speak Chinese, and native <select> filters are what older readers
     know from every other form.

   The header's search box is a plain form that opens this page with ?q=…; so does this
   form without JavaScript. Pagefind is loaded when the page has a query, or when a control of
   the form gets focus. The number of results is announced in a polite live region. */

import { decodeCard, fieldAt, folded, keyRuns, loadSiteKeys, openPagefind, queryPhrase, searchBundles } from "./search-keys.js";

const PAGE_SIZE = 10;
const DEBOUNCE_MS = 300;
const FEW = 5; // fewer exact results than this: also look for related tasks
const MOST = 0.5; // a query in more than this share of all tasks: suggest narrowing it down
const FILTERS = ["district", "year", "unit", "theme", "deadline", "status"];
const FILTER_LABELS = {
  district: "地区", year: "年份", unit: "负责单位", theme: "主题", deadline: "完成时限", status: "进展状态",
};
/* The 进展状态 filter's values in the order of generator/status.py's STATUS_CODES (most urgent
   first), by label; tests/test_search_index.py checks that the two lists agree. */
const STATUS_ORDER = ["已过时限未见完成情况", "推进中", "未到时限", "常态推进", "已完成", "逾期完成", "已调整", "时限待定"];
/* Where a query matched, in ranking order (generator/search.py's FIELDS). */
const FIELD_LABELS = { text: "要求", units: "单位", sections: "所属部分", themes: "主题" };
const ROOT = new URL("../", import.meta.url); // the site root: this file is /assets/search.js
// This site's index, or on the national entry site every partition's (search-keys.js).
const BUNDLES = searchBundles(ROOT);
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
// Made here rather than in content/search.md: they exist only with JavaScript.
const note = element("p", "zw-search__note");
note.id = "zw-search-note";
note.hidden = true;
statusLine.after(note);
const related = element("section", "zw-search__related");
related.id = "zw-search-related";
related.hidden = true;
moreButton.after(related);

let engine = null; // promise of { pagefind, keys }
let allFilters = null; // filter -> value -> tasks on the whole site, once Pagefind's filters are loaded
let searchId = 0;
let current = null; // the search on screen: { query, phrase, filters, results, shownCount }
let timer = null;

/* ---- Loading Pagefind and the keys ---------------------------------------------------- */

function loadEngine() {
  if (!engine) {
    engine = (async () => {
      const [pagefind, keys] = await Promise.all([openPagefind(BUNDLES), loadSiteKeys(BUNDLES)]);
      if (!keys) throw new Error("the search index has no keys file");
      return { pagefind, keys };
    })();
    engine.catch(failed);
  }
  return engine;
}

/* Pagefind counts results by filter value only for the filters it has loaded: load them all,
   after the first cards are on screen. */
async function loadFilters() {
  if (!allFilters) {
    const { pagefind } = await loadEngine();
    allFilters = await pagefind.filters();
  }
  return allFilters;
}

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
  if (url !== window.location.pathname + window.location.search) window.history.replaceState(null, "", url);
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

/* District and theme names in the build's order (keys.order: districts by address, themes
   by pinyin), the same in every browser; a name the build did not list (the units) goes
   after them, by the browser's collation. */
function nameOrder(name, keys) {
  const order = (keys && keys.order && keys.order[name]) || [];
  const place = new Map(order.map((value, i) => [value, i]));
  return (a, b) => (place.get(a) ?? 1e9) - (place.get(b) ?? 1e9) || collator.compare(a, b);
}

function sortedValues(name, values, keys) {
  if (name === "deadline") return values.sort((a, b) => deadlineOrder(a) - deadlineOrder(b));
  if (name === "status") return values.sort((a, b) => statusOrder(a) - statusOrder(b) || collator.compare(a, b));
  if (name === "year") return values.sort((a, b) => Number(a) - Number(b));
  return values.sort(nameOrder(name, keys));
}

/* What a filter's value reads as: a year with 年; a district (its value is its address,
   changqing: unique, where two cities may each have a 鼓楼区) by its name (keys.districts). */
function valueLabel(name, value, keys) {
  if (name === "year") return `${value}年`;
  const place = name === "district" && keys && keys.districts && keys.districts[value];
  return place ? place[1] : value;
}

/* Each filter lists the values that would show tasks, each with how many: for the current
   search (counts), or on the whole site before any search. A value that would show none is
   left out, except the one chosen. Districts are grouped by province and city, in the
   order of the 各地区 page (keys.districts: address -> [province and city, name]). */
function fillFilters(counts, keys) {
  if (!allFilters) return;
  const districts = (keys && keys.districts) || {};
  for (const name of FILTERS) {
    const select = selects[name];
    const chosen = select.value;
    const numbers = counts ? counts[name] || {} : allFilters[name] || {};
    const values = sortedValues(name, Object.keys(allFilters[name] || {}), keys);
    select.replaceChildren(select.options[0]); // 全部…
    let group = null;
    for (const value of values) {
      if (!numbers[value] && value !== chosen) continue;
      const place = name === "district" ? districts[value] : null;
      const option = new Option(`${valueLabel(name, value, keys)}（${numbers[value] || 0}项）`, value);
      if (place && (!group || group.label !== place[0])) {
        group = select.appendChild(document.createElement("optgroup"));
        group.label = place[0];
      }
      (place ? group : select).append(option);
    }
    if (chosen) setSelect(select, chosen);
  }
}

/* The counts for every filter: for a filter with a value chosen, counted as if it had none
   (Pagefind counts only the results that match it, so every other value would read 0). */
async function filterCounts(pagefind, phrase, filters, counts) {
  const all = { ...counts };
  for (const name of Object.keys(filters)) {
    const others = { ...filters };
    delete others[name];
    const search = await pagefind.search(phrase, { filters: others });
    all[name] = search.filters[name] || {};
  }
  return all;
}

/* ---- Searching ----------------------------------------------------------------------- */

function say(message) {
  statusLine.textContent = message;
}

function explain(...parts) {
  note.replaceChildren(...parts);
  note.hidden = !parts.length;
}

/* data-state on #zw-search: searching, done (results or a message shown), idle (nothing
   asked yet) or error. Tests and the benchmark wait for it (the benchmark also reads the
   performance marks); CSS does not use it. */
function setState(state) {
  box.dataset.state = state;
  performance.mark(`zw-search:${state}`);
}

function describeFilters(filters, keys) {
  const parts = Object.entries(filters).map(([name, value]) => `${FILTER_LABELS[name]}：${valueLabel(name, value, keys)}`);
  return parts.length ? `（条件：${parts.join("，")}）` : "";
}

function clearResults() {
  list.replaceChildren();
  heading.hidden = true;
  moreButton.hidden = true;
  related.replaceChildren();
  related.hidden = true;
  explain();
}

/* Requirement-text matches first, then unit names, section titles, theme names; within each,
   the earlier the first match (a lead unit's name comes before the others), then the more
   matches. Last the page's id in the index: never Pagefind's score, which weighs a word by
   how rare it is in its own bundle, so that a site searched as several bundles (a large
   site's shards, the entry site's partitions) lists its results as one bundle would. */
function ranked(results, keys) {
  const order = Object.keys(FIELD_LABELS);
  return results
    .map((result) => ({ result, position: result.words.length ? result.words[0] : Infinity }))
    .map((item) => ({ ...item, field: fieldAt(item.position, keys) }))
    .sort((a, b) => order.indexOf(a.field) - order.indexOf(b.field) || a.position - b.position
      || b.result.words.length - a.result.words.length || (a.result.id < b.result.id ? -1 : a.result.id > b.result.id ? 1 : 0));
}

async function runSearch() {
  const id = ++searchId;
  const query = input.value.trim();
  const filters = currentFilters();
  writeAddress();
  if (!query && !Object.keys(filters).length) {
    clearResults();
    current = null;
    say("");
    setState("idle");
    if (allFilters) fillFilters(null, (await loadEngine()).keys);
    return;
  }
  if (query && !keyRuns(query).length) {
    clearResults();
    say("请输入文字或数字再搜索。");
    setState("done");
    return;
  }
  setState("searching");
  const { pagefind, keys } = await loadEngine();
  const phrase = query ? queryPhrase(query, keys) : null;
  // A query with a letter no task has cannot be in any task: nothing to ask Pagefind.
  const search = !query || phrase ? await pagefind.search(phrase, { filters }) : { results: [], filters: {} };
  if (id !== searchId) return; // a newer search has started
  clearResults();
  current = { query, phrase, filters, results: ranked(search.results, keys), shownCount: 0, keys };
  const what = query ? `含有“${query}”的` : "";
  const count = current.results.length;
  if (count) {
    heading.hidden = false;
    await showMore(id, false);
    if (id !== searchId) return;
    say(`找到 ${count} 项${what}任务${describeFilters(filters, keys)}。`);
    explainResults(current, keys);
  } else {
    say(`没有找到${what}任务${describeFilters(filters, keys)}。可以换一个词，或者减少条件。`);
  }
  performance.mark("zw-search:cards"); // the benchmark's "cards on screen"
  if (query && count < FEW) await showRelated(id, query, filters, keys, pagefind);
  if (id !== searchId) return;
  await loadFilters();
  // Counted again now that Pagefind has every filter loaded (it counts only loaded ones).
  const counted = !query || phrase ? (await pagefind.search(phrase, { filters })).filters : {};
  const counts = !query || phrase ? await filterCounts(pagefind, phrase, filters, counted) : {};
  if (id !== searchId) return;
  fillFilters(counts, keys);
  setState("done");
}

/* Under the count: how the results are ordered when they matched in different places, and a
   hint when the query is in most of the site's tasks. */
function explainResults(search, keys) {
  const parts = [];
  const byField = {};
  for (const item of search.results) byField[item.field] = (byField[item.field] || 0) + 1;
  const fields = Object.keys(FIELD_LABELS).filter((field) => byField[field]);
  if (search.query && fields.length > 1) {
    const rest = fields.slice(1).map((field) => `只在${FIELD_LABELS[field]}里有的 ${byField[field]} 项`);
    const first = fields[0] === "text" ? `要求里写着“${search.query}”的 ${byField.text} 项排在前面` : "";
    parts.push([first, ...rest].filter(Boolean).join("，") + "。");
  }
  if (search.query && !Object.keys(search.filters).length && search.results.length > MOST * keys.pages) {
    parts.push(`“${search.query}”出现在大多数任务里（全部 ${keys.pages} 项中的 ${search.results.length} 项）。`
      + "可以在下面按地区、负责单位或主题缩小范围。");
    options.open = true;
  }
  explain(...parts.flatMap((part, i) => (i ? [element("br"), part] : [part])));
}

/* Append the next PAGE_SIZE cards; `focusFirst` moves focus to the first new card (after
   "显示更多结果", so keyboard and screen reader users continue where the new cards start). */
async function showMore(id, focusFirst) {
  const search = current;
  const batch = search.results.slice(search.shownCount, search.shownCount + PAGE_SIZE);
  moreButton.disabled = true; // a second press while loading would add the same cards twice
  const data = await Promise.all(batch.map((item) => item.result.data()));
  moreButton.disabled = false;
  if (id !== searchId) return;
  const cards = data.map((page) => card(page, search.query ? [search.query] : [], true));
  list.append(...cards);
  search.shownCount += batch.length;
  const left = search.results.length - search.shownCount;
  moreButton.hidden = left <= 0;
  moreButton.textContent = `显示更多结果（还有 ${left} 项）`;
  if (focusFirst && cards.length) cards[0].querySelector("a").focus();
}

/* Related tasks, under their own heading and never counted as containing the query: other
   spellings, synonyms, pinyin, the known words of a sentence, a one-letter slip
   (search-fallback.js, loaded only when needed). */
async function showRelated(id, query, filters, keys, pagefind) {
  if (!keys.fallbackUrl) return;
  const fallback = await import("./search-fallback.js");
  const exclude = current.results.map((item) => item.result.id);
  const found = await fallback.related(query, { keys, pagefind, filters, exclude, rank: ranked });
  if (id !== searchId || !found) return;
  related.replaceChildren(...fallback.render(found, { card, element, runQuery }));
  related.hidden = !related.childElementCount;
  if (found.tasks.length) {
    say(`${statusLine.textContent}下面另列出 ${found.tasks.length} 项相关的任务，它们不含“${query}”。`);
  }
}

/* A suggestion ("您是不是要找：政务公开") runs that query. */
function runQuery(query) {
  input.value = query;
  searchNow();
  input.focus();
}

/* ---- Cards --------------------------------------------------------------------------- */

function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

/* `text` with every place that holds one of `needles` (compared as search compares: folded)
   in <mark>; null when none is there. */
function marked(text, needles) {
  const map = foldMap(text);
  const spans = [];
  for (const needle of needles.map(folded).filter(Boolean)) {
    for (let at = map.text.indexOf(needle); at >= 0; at = map.text.indexOf(needle, at + needle.length)) {
      spans.push([map.from[at], map.to[at + needle.length - 1]]);
    }
  }
  if (!spans.length) return null;
  spans.sort((a, b) => a[0] - b[0]);
  const out = document.createDocumentFragment();
  let done = 0;
  for (const [start, end] of spans) {
    if (start < done) continue; // overlapping: keep the first
    out.append(text.slice(done, start), element("mark", "", text.slice(start, end)));
    done = end;
  }
  out.append(text.slice(done));
  return out;
}

/* The folded text (as search-keys.js folds) and, for each of its letters, where it came from
   in `text`, so that a match found in the folded text can be marked in the original. */
function foldMap(text) {
  const map = { text: "", from: [], to: [] };
  let gap = false;
  let at = 0;
  for (const ch of text) {
    const start = at;
    at += ch.length;
    const norm = ch.codePointAt(0) < 0x10000 ? ch.normalize("NFKC").toLowerCase() : " ";
    for (const c of norm) {
      if (!/[\p{L}\p{N}]/u.test(c)) {
        gap = true;
        continue;
      }
      if (gap && map.text) {
        map.text += " ";
        map.from.push(start);
        map.to.push(start);
      }
      gap = false;
      map.text += c;
      map.from.push(start);
      map.to.push(at);
    }
  }
  return map;
}

/* The start of a text, or the part around its first mark. */
function excerpt(text, needles, limit = 80) {
  const map = foldMap(text);
  const needle = needles.map(folded).find((n) => n && map.text.includes(n));
  let start = 0;
  if (needle) start = Math.max(0, map.from[map.text.indexOf(needle)] - 20);
  const end = Math.min(text.length, start + limit);
  const part = (start ? "…" : "") + text.slice(start, end) + (end < text.length ? "…" : "");
  return marked(part, needles) || part;
}

/* A task's status today in China (assets/status.js, a classic script that runs before this
   module, docs/status-rules.md); the status on the build date when status.js did not load
   or the inputs cannot be read. */
function cardStatus(task) {
  const built = task.status || null;
  if (!window.zwStatus || !task.status_inputs) return built;
  try {
    return window.zwStatus.compute(task.status_inputs, window.zwStatus.todayInChina());
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

function fact(label, ...values) {
  const row = element("div", "zw-result__fact");
  const answer = element("dd");
  answer.append(...values);
  row.append(element("dt", "", label), answer);
  return row;
}

function joined(parts, separator) {
  return parts.flatMap((part, i) => (i ? [separator, part] : [part]));
}

/* Each unit by its canonical name; where one of the unit's other names (or the form printed
   in the task) holds a needle, that name too, marked. */
function unitParts(units, needles) {
  return units.map((unit) => {
    const name = marked(unit.name, needles) || unit.name;
    const other = otherNames(unit).find((alias) => marked(alias, needles));
    if (!other || marked(unit.name, needles)) return name;
    const span = element("span");
    span.append(name, "（也写作“", marked(other, needles), "”）");
    return span;
  });
}

/* A unit's forms printed in the task and its other names (the card leaves out empty lists). */
function otherNames(unit) {
  return [...(unit.printed || []), ...(unit.aliases || [])].filter((name) => name !== unit.name);
}

/* Where a task holds the needles: 要求 / 单位 / 所属部分 / 主题. */
function matchedFields(task, needles) {
  const has = (names) => names.some((name) => marked(name, needles));
  const units = task.units.flatMap((unit) => [unit.name, ...otherNames(unit)]);
  return Object.keys(FIELD_LABELS).filter((field) =>
    has(field === "text" ? [task.text] : field === "units" ? units : task[field]));
}

/* One result: title link (district, year, number), where the query is (exact results), the
   requirement text with the query marked, status, units, section and themes where they
   matched, deadline. */
function card(page, needles, exact) {
  const task = decodeCard(page.meta && page.meta.card);
  const item = element("li", exact ? "zw-result" : "zw-result zw-result--related");
  const title = element("h3", "zw-result__title");
  const link = element("a", "zw-result__link", task.title);
  link.href = page.url;
  title.append(link);
  item.append(title);
  const where = needles.length ? matchedFields(task, needles) : [];
  if (exact && where.length) {
    const line = element("p", "zw-result__where");
    line.append(`“${needles[0]}”在：`, ...joined(where.map((f) => element("strong", "", FIELD_LABELS[f])), "、"));
    item.append(line);
  }
  const summary = element("p", "zw-result__summary");
  summary.append(excerpt(task.text, needles));
  item.append(summary);
  const facts = element("dl", "zw-result__facts");
  const status = cardStatus(task);
  if (status) facts.append(fact("进展状态", statusBadge(status)));
  const units = task.units.length ? joined(unitParts(task.units, needles), "、") : ["原文没有写"];
  facts.append(fact("负责单位", ...units));
  if (where.includes("sections")) {
    facts.append(fact("所属部分", ...joined(task.sections.map((s) => marked(s, needles) || s), " › ")));
  }
  if (where.includes("themes")) {
    facts.append(fact("主题", ...joined(task.themes.map((t) => marked(t, needles) || t), "、")));
  }
  if (task.deadline) facts.append(fact("完成时限", task.deadline));
  item.append(facts);
  return item;
}

/* ---- Coming back from a result --------------------------------------------------------- */

/* Before leaving for a task page: how many cards were shown, the scroll position and the card
   left from, so that "back" puts the reader where they were. */
function rememberPlace(event) {
  if (!current) return;
  const clicked = event && event.target.closest && event.target.closest(".zw-result__link");
  const before = (window.history.state && window.history.state.zwSearch) || {};
  const link = clicked ? clicked.href : before.link || null;
  const state = { zwSearch: { shown: current.shownCount, scrollY: window.scrollY, link } };
  window.history.replaceState(state, "", window.location.href);
}

async function restorePlace(place) {
  const id = searchId;
  while (current && current.shownCount < Math.min(place.shown, current.results.length)) {
    await showMore(id, false);
    if (id !== searchId) return;
  }
  window.scrollTo(0, place.scrollY);
  const link = place.link && [...list.querySelectorAll(".zw-result__link")].find((a) => a.href === place.link);
  if (link) link.focus({ preventScroll: true });
}

/* ---- Events and start ---------------------------------------------------------------- */

function searchSoon() {
  searchId++; // whatever is under way is now out of date
  setState("searching");
  window.clearTimeout(timer);
  timer = window.setTimeout(() => runSearch().catch(failed), DEBOUNCE_MS);
}

function searchNow() {
  window.clearTimeout(timer);
  return runSearch().catch(failed);
}

function failed(error) {
  setState("error");
  say("搜索出了问题，请刷新页面再试；也可以用下面的“按单位查”“按主题查”查找。");
  console.error(error);
}

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

/* Without a query, Pagefind loads when the reader reaches for the form; the filters are
   filled then. */
async function prepareFilters() {
  if (allFilters) return;
  const id = searchId;
  const idle = box.dataset.state === "idle";
  if (idle) setState("searching"); // tests wait for the filled filters
  const { keys } = await loadEngine();
  await loadFilters();
  if (id !== searchId) return; // a search started meanwhile fills the filters itself
  fillFilters(null, keys);
  if (idle) setState("idle");
}

async function start() {
  const place = window.history.state && window.history.state.zwSearch;
  showStatusDate();
  readAddress();
  document.querySelector("[data-zw-search-nojs]").hidden = true;
  options.hidden = false;
  options.open = Object.keys(currentFilters()).length > 0;

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    searchNow();
  });
  form.addEventListener("focusin", () => prepareFilters().catch(failed), { once: true });
  input.addEventListener("input", searchSoon);
  for (const select of Object.values(selects)) select.addEventListener("change", searchNow);
  clearButton.addEventListener("click", () => {
    for (const select of Object.values(selects)) select.value = "";
    searchNow();
    input.focus();
  });
  moreButton.addEventListener("click", () => showMore(searchId, true).catch(failed));
  list.addEventListener("click", rememberPlace);
  window.addEventListener("pagehide", () => rememberPlace(null));
  if (input.value.trim() || Object.keys(currentFilters()).length) {
    await searchNow();
    if (place) await restorePlace(place);
  } else {
    setState("idle");
  }
}

start().catch(failed);
