"""The one line a day-5 grader prints for de-lab (check kind `grader`):

    DE-LAB-VERDICT <nonce> {"ok": true|false, "expected": "...", "found": "..."}

The nonce comes from DE_LAB_VERDICT_NONCE; learner-controlled text only ever goes inside the JSON
strings (newlines escaped), each cut to 200 characters. Print it once, then exit 0.
"""

import json
import os

LIMIT = 200


def cut(text):
    text = str(text)
    return text if len(text) <= LIMIT else text[: LIMIT - 1] + "…"


def verdict(ok, expected, found):
    body = json.dumps({"ok": bool(ok), "expected": cut(expected), "found": cut(found)}, ensure_ascii=True)
    print(f"DE-LAB-VERDICT {os.environ.get('DE_LAB_VERDICT_NONCE', '')} {body}", flush=True)
    return 0
