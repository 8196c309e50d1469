/* Turns a query into the search keys that generator/search.py writes into every task page.

   Why: Pagefind's indexer splits Chinese with jieba, the browser splits the query with
   Intl.Segmenter, and they disagree (Pagefind issue #1237): 疫情 becomes 疫/情 in Chromium
   and misses most tasks that mention it. So each task page also carries every pair of
   neighbouring letters of its text, spelled in plain ASCII ("zz" + the two characters'
   code points as hex digits written a-p). A query becomes its own pairs; Pagefind needs all
   of them on a page, so a task is found whenever its text contains the query.
   Keep in step with key_runs/page_keys/query_keys in generator/search.py. */

const PREFIX = "zz";
const LETTERS = "abcdefghijklmnop";

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

function spell(chars) {
  let out = PREFIX;
  for (const ch of chars) {
    for (const digit of ch.charCodeAt(0).toString(16).padStart(4, "0")) {
      out += LETTERS[parseInt(digit, 16)];
    }
  }
  return out;
}

/* The keys of a query: every pair of neighbouring letters; a one-letter run is sent alone
   (Pagefind matches it as the start of a pair). Empty when the query has no letter. */
export function queryKeys(query) {
  const keys = [];
  for (const run of keyRuns(query)) {
    if (run.length === 1) {
      keys.push(spell(run));
    }
    for (let i = 0; i + 1 < run.length; i++) {
      keys.push(spell(run.slice(i, i + 2)));
    }
  }
  return keys;
}
