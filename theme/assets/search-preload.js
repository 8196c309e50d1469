/* Every page (theme/base.html): once the header's search box gets focus, fetch what the
   first search needs into the browser's cache (Pagefind's runtime and wasm, the index's
   metadata, the keys file, the search page's script, and while the reader types the index
   chunks of the query), so that after 搜索 the search page shows its cards without waiting
   for them. Readers who never touch a search box download
   none of it (issue 13: load the search runtime on focus of a search box, not on results).
   The search page itself loads the same things in assets/search.js. */

import { loadSiteKeys, openPagefind, queryPhrase, searchBundles } from "./search-keys.js";

const ROOT = new URL("../", import.meta.url); // the site root: this file is /assets/search-preload.js
const TYPING_MS = 200; // a pause in typing long enough to fetch the index chunks of what is typed
let engine = null; // promise of { pagefind, keys }
let timer = null;

function warm() {
  if (engine) return engine;
  const bundles = searchBundles(ROOT); // as search.js: this site's index, or every partition's
  engine = Promise.all([openPagefind(bundles), loadSiteKeys(bundles)]).then(([pagefind, keys]) => ({ pagefind, keys }));
  engine.catch(() => {}); // the search page will say what went wrong, if anything still does
  const link = document.createElement("link");
  link.rel = "prefetch";
  link.href = new URL("assets/search.js", ROOT).href;
  document.head.append(link);
  return engine;
}

/* While the reader types, the index chunks of what is typed so far: the letters of a longer
   query include them, so this seldom fetches anything the search would not. */
function preloadTyped(input) {
  window.clearTimeout(timer);
  timer = window.setTimeout(async () => {
    const { pagefind, keys } = await warm();
    const phrase = keys && queryPhrase(input.value, keys);
    if (phrase) await pagefind.preload(phrase);
  }, TYPING_MS);
}

const isBox = (target) => target instanceof HTMLInputElement && target.closest("[data-zw-search]");
if (!document.getElementById("zw-search")) {
  document.addEventListener("focusin", (event) => {
    if (isBox(event.target)) warm();
  });
  document.addEventListener("input", (event) => {
    if (isBox(event.target)) preloadTyped(event.target);
  });
}
