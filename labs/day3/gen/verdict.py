"""The one verdict line a day-3 grader prints (see src/grading/verdict.ts):

    DE-LAB-VERDICT <nonce> {"ok": true|false, "expected": "...", "found": "..."}

with the nonce de-lab put in DE_LAB_VERDICT_NONCE. Learner-controlled text goes only inside the
JSON strings, cut to 200 characters. A grader calls say() once and exits 0, also when the
learner's output is missing or malformed (that is "ok": false with the reason).
"""

import json
import os


def cut(text, limit=200):
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def say(ok, expected, found):
    nonce = os.environ.get("DE_LAB_VERDICT_NONCE", "")
    line = json.dumps({"ok": bool(ok), "expected": cut(expected), "found": cut(found)}, ensure_ascii=False)
    print(f"DE-LAB-VERDICT {nonce} {line}", flush=True)
