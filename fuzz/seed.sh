#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ from the golden corpus (testdata/) and fuzz/regressions/.
# The corpora are not committed (fuzz/.gitignore); run this before `cargo fuzz run`.
set -euo pipefail
cd "$(dirname "$0")"
inputs() { # every payload of the golden corpus under $@, plus the regressions
  find "$@" -type f \( -name '*.json' -o -name '*.ndjson' -o -name '*.bin' -o -name '*.txt' \) \
    ! -name '*.report.json' ! -name '*.options.json' ! -name '*.events.ndjson' ! -name manifest.json ! -name KNOWN_BUGS.txt
}
known_bug() { # regressions of bugs not fixed yet (regressions/KNOWN_BUGS.txt) would crash
  local name; name=$(basename "$1")
  while read -r b; do [ -n "$b" ] && [[ "$name" == "$b"* ]] && return 0; done < regressions/KNOWN_BUGS.txt
  return 1
}
seed() {
  local target=$1; shift
  mkdir -p "corpus/$target"
  inputs "$@" regressions | while read -r f; do
    known_bug "$f" || cp "$f" "corpus/$target/$(basename "$f")"
  done
  echo "corpus/$target: $(ls "corpus/$target" | wc -l) files"
}
seed fuzz_transform_auto ../testdata/samples ../testdata/cases
seed fuzz_transform_guardduty ../testdata/samples/guardduty ../testdata/cases/guardduty ../testdata/samples/foreign
seed fuzz_transform_defender ../testdata/samples/defender-for-cloud ../testdata/cases/defender-for-cloud
# The structured target reads its records from testdata/ itself; its inputs are only the
# choices of records, mutations, shapes and options: any bytes will do, these are stable.
seed fuzz_structured ../testdata/cases
