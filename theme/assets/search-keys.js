/* A query as the site's search index spells it (generator/search.py writes the index; read
   its docstring for why it looks like this).

   Every letter or digit of a task's requirement text, unit names, section titles and theme
   names is one word in the index, spelled as the letter's rank on the site in base 16
   (digits written a-p: aab), in text order. A query becomes the same words as a quoted phrase,
   "zq" between its runs of letters; Pagefind matches a quoted phrase only where the words
   stand in consecutive positions, so a task is found exactly when one of those fields holds
   the query as one unbroken string. The ranks and the fields' places (slots) come from the
   build's keys file, named in pagefind-entry.json so that a new index never meets an old
   keys file from the cache.
   Keep in step with key_runs / SearchKeys in generator/search.py. */

const FORMAT = 1;

/* Runs of letters and digits (NFKC, lower case). Characters beyond U+FFFF end a run, as in
   Python (the two count them differently). */
export function keyRuns(text) {
  const folded = String(text).normalize("NFKC").toLowerCase();
  const runs = [];
  let run = "";
  for (const ch of folded) {
    if (ch.codePointAt(0) < 0x10000 && /[\p{L}\p{N}]/u.test(ch)) {
      run += ch;
    } else if (run) {
      runs.push(run);
      run = "";
    }
  }
  if (run) runs.push(run);
  return runs;
}

/* A text as search compares it: its runs, one space between them. */
export function folded(text) {
  return keyRuns(text).join(" ");
}

/* The keys file of the index under `bundleUrl` (…/pagefind/). Null when the index has none
   (an older build): the caller says search is unavailable rather than guess. */
export async function loadKeys(bundleUrl) {
  const entry = await fetchJson(new URL(`pagefind-entry.json?ts=${Date.now()}`, bundleUrl));
  if (!entry.zw_keys) return null;
  const keys = await fetchJson(new URL(entry.zw_keys, bundleUrl));
  if (keys.format !== FORMAT) return null;
  keys.ranks = new Map([...keys.chars].map((ch, i) => [ch, i]));
  keys.pages = Object.values(entry.languages).reduce((sum, language) => sum + language.page_count, 0);
  keys.fallbackUrl = entry.zw_fallback ? new URL(entry.zw_fallback, bundleUrl).href : null;
  return keys;
}

/* ---- Several bundles searched as one (a large site's shards, search_records.shards; the
   national entry site's partitions, generator/entry_site.py) ---- */

/* The search bundles this page searches: its own site's (…/pagefind/), or those listed
   relative to the site root in <meta name="zw-search-bundles">: a large site's shards
   (pagefind/ pagefind_2/ …), on the entry site every partition's. */
export function searchBundles(root) {
  const listed = document.querySelector('meta[name="zw-search-bundles"]')?.content.trim();
  return (listed ? listed.split(/\s+/) : ["pagefind/"]).map((path) => new URL(path, root));
}

/* Where a bundle's pages are: the folder that holds …/pagefind/. */
const siteOf = (bundle) => new URL("../", bundle).pathname;

/* Pagefind over every bundle: the first one's runtime, the others merged into it
   (mergeIndex), each result's URL under its own site. No worker: it would download the
   runtime a second time, and the index is small. */
export async function openPagefind(bundles) {
  const [first, ...others] = bundles;
  const pagefind = await import(new URL("pagefind.js", first).href);
  await pagefind.options({ baseUrl: siteOf(first), noWorker: true });
  await pagefind.init();
  await Promise.all(others.map((bundle) => pagefind.mergeIndex(bundle.href, { baseUrl: siteOf(bundle) })));
  return pagefind;
}

/* The keys of every bundle as one. A query becomes one phrase for all of them, so every
   partition must spell letters alike (the build ranks them over all the data); a partition
   built from other data is refused rather than searched wrongly. */
export async function loadSiteKeys(bundles) {
  const all = await Promise.all(bundles.map((bundle) => loadKeys(bundle)));
  if (all.some((keys) => !keys)) return null;
  const [keys, ...others] = all;
  for (const [i, other] of others.entries()) {
    if (spelling(other) !== spelling(keys)) throw new Error(`${bundles[i + 1]}: spelled unlike ${bundles[0]}; rebuild it`);
  }
  if (!others.length) return keys;
  keys.pages = all.reduce((sum, one) => sum + one.pages, 0);
  keys.order = mergedOrders(all.map((one) => one.order || {}));
  keys.districts = Object.assign({}, ...all.map((one) => one.districts || {}));
  keys.fallbackUrls = all.map((one) => one.fallbackUrl).filter(Boolean); // search-fallback.js merges them
  return keys;
}

const spelling = (keys) => JSON.stringify([keys.format, keys.prefix, keys.run_break, keys.width, keys.fields, keys.slots, keys.chars]);

/* Each filter's order over all bundles: districts bundle by bundle (province by province);
   other names (every bundle lists them in one order, pinyin) each after the name before it
   in its bundle's list, or before the name after it. */
function mergedOrders(orders) {
  const merged = {};
  for (const name of new Set(orders.flatMap(Object.keys))) {
    const lists = orders.map((order) => order[name] || []);
    merged[name] = name === "district" ? [...new Set(lists.flat())] : interleaved(lists);
  }
  return merged;
}

function interleaved(lists) {
  const out = [];
  for (const list of lists) {
    list.forEach((value, i) => {
      if (out.includes(value)) return;
      const next = list.slice(i + 1).find((later) => out.includes(later));
      const at = i ? out.indexOf(list[i - 1]) + 1 : next === undefined ? out.length : out.indexOf(next);
      out.splice(at, 0, value);
    });
  }
  return out;
}

async function fetchJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

const LETTERS = "abcdefghijklmnop";

function spell(keys, ch) {
  const rank = keys.ranks.get(ch);
  if (rank === undefined) return null;
  let digits = "";
  for (const digit of rank.toString(16).padStart(keys.width, "0")) digits += LETTERS[parseInt(digit, 16)];
  return keys.prefix + digits;
}

/* The Pagefind query for `query`: a quoted phrase. Null when the query has no letter, or a
   letter that no task has (then no task can contain it, and nothing need be fetched). */
export function queryPhrase(query, keys) {
  const words = [];
  for (const [i, run] of keyRuns(query).entries()) {
    if (i) words.push(keys.run_break);
    for (const ch of run) {
      const word = spell(keys, ch);
      if (!word) return null;
      words.push(word);
    }
  }
  return words.length ? `"${words.join(" ")}"` : null;
}

/* Which field a result's first match is in, from its position (Pagefind's `words`). */
export function fieldAt(position, keys) {
  let field = keys.fields[0];
  keys.slots.forEach((slot, i) => {
    if (position >= slot) field = keys.fields[i];
  });
  return field;
}

/* A result card's data: the "card" metadata is "0" + the card's JSON as UTF-8 in hex. */
export function decodeCard(value) {
  const hex = String(value || "").slice(1);
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.substr(2 * i, 2), 16);
  return JSON.parse(new TextDecoder().decode(bytes));
}
