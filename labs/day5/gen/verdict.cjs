// The one line a day-5 grader prints for de-lab (check kind `grader`), as gen/verdict.py does:
// DE-LAB-VERDICT <nonce> {"ok":…,"expected":"…","found":"…"}, learner text only inside JSON strings.
'use strict';
const LIMIT = 200;
const cut = (text) => {
  const s = String(text);
  return s.length <= LIMIT ? s : `${s.slice(0, LIMIT - 1)}…`;
};
function verdict(ok, expected, found) {
  // JSON.stringify escapes newlines; \u2028/\u2029 are escaped too so the line stays one line anywhere.
  const body = JSON.stringify({ ok: Boolean(ok), expected: cut(expected), found: cut(found) }).replace(
    /[\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16)}`,
  );
  process.stdout.write(`DE-LAB-VERDICT ${process.env.DE_LAB_VERDICT_NONCE || ''} ${body}\n`);
}
module.exports = { verdict, cut };
