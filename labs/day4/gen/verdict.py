"""The one line a `kind: grader` check reads (labs/README.md): DE-LAB-VERDICT <nonce> <json>.

Day 4's graders call verdict(ok, expected, found) exactly once. Text that may come from a
learner's output goes only inside the JSON strings, cut to 200 characters.
"""

import json
import os
import sys

ENV = "DE_LAB_VERDICT_NONCE"


def cut(text, limit=200):
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def verdict(ok, expected, found):
    nonce = os.environ.get(ENV)
    if not nonce:
        sys.exit(f"verdict.py: no {ENV} in the environment (a grader check of de-lab sets it)")
    line = json.dumps({"ok": bool(ok), "expected": cut(expected), "found": cut(found)}, ensure_ascii=True)
    sys.stdout.write(f"DE-LAB-VERDICT {nonce} {line}\n")
    sys.stdout.flush()
