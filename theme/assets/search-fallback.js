/* Related tasks for a query that finds no or few tasks containing it (issue 13): how people
   really type. Loaded by search.js only then, with the build's fallback file
   (generator/search_fallback.py: traditional-to-simplified pairs, the site's words with
   pinyin, the synonyms of site_data/synonyms.yaml).

   Each kind becomes a group of related tasks under its own line saying how it was found;
   none is ever counted as containing the query:
   - traditional characters: 養老 → 按简体字“养老”;
   - pinyin, with or without tones: yanglao, yǎng lǎo, yang3lao3 → 养老; qufagaiju → 区发改局;
   - synonyms: 低保 → 最低生活保障, 看病 → 就医、医疗;
   - a one-letter slip: 政物公开 → 您是不是要找：政务公开;
   - a sentence, reduced to the words of it that the site has (我想知道今年政府对老年人养老服务
     有什么承诺 → 老年人、养老服务、承诺 …), tasks holding more of them (rarer ones weigh more) first.
   Every word is looked up with the same exact phrase search as the query itself. */

import { folded, keyRuns, queryPhrase } from "./search-keys.js";

const SHOWN = 5; // cards shown for each group
const SENTENCE_SHOWN = 10;
const SENTENCE_MIN = 5; // letters: a query this long with nothing found may be a sentence
const WORD_MAX = 8; // letters in one word of a sentence
const SLIP_MIN = 3; // letters: a shorter query is too short to call a slip
const SUGGESTIONS = 3; // at most, for pinyin and for slips

let dictionary = null;

/* The fallback file, or on the national entry site every partition's, as one (merged). */
function load(urls) {
  if (!dictionary) {
    dictionary = Promise.all(urls.map((url) => fetch(url).then((response) => {
      if (!response.ok) throw new Error(`${url}: ${response.status}`);
      return response.json();
    }))).then((files) => prepare(merged(files)));
    dictionary.catch(() => { dictionary = null; });
  }
  return dictionary;
}

/* Several partitions' files as one: each word with the tasks of every partition that
   contain it, most common first as in one file; the traditional pairs of all; the synonyms
   (site_data/synonyms.yaml, the same for every partition). */
function merged(files) {
  if (files.length === 1) return files[0];
  const words = new Map();
  for (const [word, count, pinyin] of files.flatMap((file) => file.words)) {
    const known = words.get(word);
    words.set(word, known ? [word, known[1] + count, known[2] || pinyin] : [word, count, pinyin]);
  }
  const byCount = (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  return { ...files[0], t2s: files.map((file) => file.t2s).join(""), words: [...words.values()].sort(byCount) };
}

function prepare(data) {
  const t2s = new Map();
  const chars = [...data.t2s];
  for (let i = 0; i + 1 < chars.length; i += 2) t2s.set(chars[i], chars[i + 1]);
  const byPinyin = new Map();
  for (const [word, , pinyin] of data.words) {
    if (!pinyin) continue;
    if (!byPinyin.has(pinyin)) byPinyin.set(pinyin, []);
    byPinyin.get(pinyin).push(word); // the words come most common first
  }
  return { t2s, byPinyin, words: data.words, synonyms: data.synonyms || [] };
}

/* The query with each traditional character the site has in simplified form replaced. */
export function simplified(query, dict) {
  return [...query].map((ch) => dict.t2s.get(ch) || ch).join("");
}

/* yǎnglǎo, yang3 lao3, Yang-Lao → "yanglao"; null when the query is not pinyin. */
export function pinyinKey(query) {
  const text = query.normalize("NFKC").toLowerCase().replace(/v/g, "u").normalize("NFD").replace(/\p{M}/gu, "");
  if (!/^[a-z1-5'’\s-]+$/.test(text)) return null;
  const key = text.replace(/[1-5'’\s-]/g, "");
  return key.length >= 2 ? key : null;
}

function pinyinWords(query, dict) {
  const key = pinyinKey(query);
  if (!key) return [];
  const exact = dict.byPinyin.get(key) || [];
  if (exact.length || key.length < 4) return exact.slice(0, SUGGESTIONS);
  const starting = [];
  for (const [pinyin, words] of dict.byPinyin) if (pinyin.startsWith(key)) starting.push(...words);
  return starting.slice(0, SUGGESTIONS);
}

/* True when a and b differ by one letter: one changed, added, left out, or two neighbours
   swapped. */
export function oneSlip(a, b) {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  if (a.length === b.length) {
    const diff = [...a].map((ch, i) => (ch === b[i] ? -1 : i)).filter((i) => i >= 0);
    return diff.length === 1 || (diff.length === 2 && diff[1] === diff[0] + 1 && a[diff[0]] === b[diff[1]] && a[diff[1]] === b[diff[0]]);
  }
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  for (let i = 0; i < long.length; i++) {
    if (long.slice(0, i) + long.slice(i + 1) === short) return true;
  }
  return false;
}

function slips(query, dict) {
  const runs = keyRuns(query);
  if (runs.length !== 1 || runs[0].length < SLIP_MIN) return [];
  const found = [];
  for (const [word] of dict.words) {
    if (oneSlip(runs[0], word)) found.push(word);
    if (found.length === SUGGESTIONS) break;
  }
  return found;
}

/* [word in the query, its synonym, the query with the one put for the other] */
function synonymQueries(query, dict) {
  const out = [];
  const text = folded(query);
  for (const group of dict.synonyms) {
    for (const word of group) {
      const key = folded(word);
      if (!key || !text.includes(key)) continue;
      for (const other of group) {
        if (other === word || folded(other).includes(key)) continue;
        out.push([word, other, query.includes(word) ? query.split(word).join(other) : other]);
      }
    }
  }
  return out;
}

/* The words of a sentence that tasks hold: from each place, the longest string (2 to WORD_MAX
   letters) that some task contains; then the words of synonyms found in it. */
async function sentenceWords(query, dict, find) {
  const words = [];
  for (const run of keyRuns(query)) {
    for (let i = 0; i + 1 < run.length;) {
      let taken = 0;
      for (let length = Math.min(WORD_MAX, run.length - i); length >= 2 && !taken; length--) {
        const results = await find(run.slice(i, i + length));
        if (results.length) {
          words.push([run.slice(i, i + length), results]);
          taken = length;
        }
      }
      i += taken || 1;
    }
  }
  for (const [word, other] of synonymQueries(query, dict)) {
    if (words.some(([known]) => known === folded(other))) continue;
    const results = await find(other);
    if (results.length && !words.some(([known]) => known.includes(folded(word)))) words.push([folded(other), results]);
  }
  return words;
}

/* Related tasks for `query`: { groups: [{ kind, query, needles, reason, suggest, total, pages }],
   tasks } or null. `exclude`: ids already listed as containing the query. */
export async function related(query, { keys, pagefind, filters, exclude, rank }) {
  if (!keys.fallbackUrl) return null;
  const dict = await load(keys.fallbackUrls || [keys.fallbackUrl]); // fallbackUrls: the entry site's partitions
  const cache = new Map();
  const find = async (text) => {
    const phrase = queryPhrase(text, keys);
    if (!phrase) return [];
    if (!cache.has(phrase)) cache.set(phrase, pagefind.search(phrase, { filters }).then((s) => rank(s.results, keys)));
    return cache.get(phrase);
  };
  const seen = new Set(exclude);
  const groups = [];
  const add = async (group, results) => {
    if (!results.length) return;
    const fresh = results.filter((item) => !seen.has(item.result.id));
    for (const item of fresh) seen.add(item.result.id);
    groups.push({ ...group, total: results.length, items: fresh.slice(0, group.kind === "sentence" ? SENTENCE_SHOWN : SHOWN) });
  };

  const simple = simplified(query, dict);
  if (folded(simple) !== folded(query)) {
    await add({ kind: "traditional", query: simple, needles: [simple], reason: `按简体字“${simple}”找到`, suggest: true },
      await find(simple));
  }
  for (const word of pinyinWords(query, dict)) {
    await add({ kind: "pinyin", query: word, needles: [word], reason: `按拼音“${query}”对应的“${word}”找到`, suggest: true },
      await find(word));
  }
  for (const [word, other, changed] of synonymQueries(simple, dict)) {
    await add({ kind: "synonym", query: changed, needles: [other], reason: `按“${word}”的同义词“${other}”找到` },
      await find(changed));
  }
  const nothing = !exclude.length; // a slip or a sentence only when the query itself found nothing
  if (nothing && !groups.length) {
    for (const word of slips(simple, dict)) {
      await add({ kind: "slip", query: word, needles: [word], reason: `按“${word}”找到（和“${query}”只差一个字）`, suggest: true },
        await find(word));
    }
  }
  if (nothing && !groups.length && keyRuns(simple).join("").length >= SENTENCE_MIN) {
    const words = await sentenceWords(simple, dict, find);
    if (words.length) {
      const names = words.map(([word]) => word);
      await add({ kind: "sentence", query: null, needles: names, reason: `按句子里的词“${names.join("”“")}”找到，含的词越多、越少见，排得越前` },
        bySentenceWords(words, keys.pages));
    }
  }
  for (const group of groups) {
    group.pages = await Promise.all(group.items.map((item) => item.result.data()));
  }
  const tasks = new Set(groups.flatMap((group) => group.items.map((item) => item.result.id)));
  return { query, groups, tasks: [...tasks] };
}

/* Tasks holding any word of a sentence, those holding more (and rarer) words first. */
function bySentenceWords(words, pages) {
  const scores = new Map();
  for (const [, results] of words) {
    const weight = Math.log((pages + 1) / results.length);
    for (const item of results) {
      const entry = scores.get(item.result.id) || { item, score: 0 };
      entry.score += weight;
      scores.set(item.result.id, entry);
    }
  }
  return [...scores.values()].sort((a, b) => b.score - a.score).map((entry) => entry.item);
}

/* The nodes of the related part: "您是不是要找：…", then "相关的任务", each group under the line
   that says how it was found. */
export function render(found, { card, element, runQuery }) {
  const nodes = [];
  const link = (query, label = query) => {
    const a = element("a", "zw-search__suggestion", label);
    a.href = `?q=${encodeURIComponent(query)}`;
    a.addEventListener("click", (event) => {
      event.preventDefault();
      runQuery(query);
    });
    return a;
  };
  const suggested = [...new Set(found.groups.filter((group) => group.suggest).map((group) => group.query))];
  if (suggested.length) {
    const line = element("p", "zw-search__suggest");
    line.append("您是不是要找：", ...suggested.flatMap((query, i) => (i ? ["、", link(query)] : [link(query)])));
    nodes.push(line);
  }
  const shown = found.groups.filter((group) => group.total);
  if (!found.tasks.length) return nodes;
  const heading = element("h2", "zw-search__heading", "相关的任务");
  heading.id = "zw-search-related-heading";
  nodes.push(heading, element("p", "zw-search__related-note",
    `下面的任务不含“${found.query}”，不算在上面的项数里。`));
  for (const group of shown) {
    nodes.push(element("h3", "zw-search__reason", `${group.reason}，共 ${group.total} 项`));
    if (!group.pages.length) {
      nodes.push(element("p", "zw-search__related-note", "这些任务都已列在上面。"));
      continue;
    }
    const list = element("ol", "zw-search__results zw-search__results--related");
    list.setAttribute("aria-label", group.reason);
    list.append(...group.pages.map((page) => card(page, group.needles, false)));
    nodes.push(list);
    if (group.query && group.total > group.pages.length) {
      const more = element("p", "zw-search__related-more");
      more.append(link(group.query, `查看全部 ${group.total} 项含有“${group.query}”的任务`));
      nodes.push(more);
    }
  }
  return nodes;
}
