# The one line a day-5 grader prints for de-lab (check kind `grader`), for the kafka container
# (no python there). Sourced: verdict OK EXPECTED FOUND, where OK is true|false and EXPECTED/FOUND
# hold only [A-Za-z0-9 ,.:()_-] (anything else is dropped, so no learner text can break the JSON).
verdict() {
  clean() { printf '%s' "$1" | tr -cd 'A-Za-z0-9 ,.:()_-' | cut -c1-200; }
  printf 'DE-LAB-VERDICT %s {"ok": %s, "expected": "%s", "found": "%s"}\n' \
    "${DE_LAB_VERDICT_NONCE:-}" "$1" "$(clean "$2")" "$(clean "$3")"
}
