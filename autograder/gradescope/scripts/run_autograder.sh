#!/usr/bin/env bash
# Gradescope runs this once per submission: the upload is in $ROOT/submission,
# the scores go to $ROOT/results/results.json.
set -uo pipefail
ASSIGNMENT="@ASSIGNMENT@"
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PYTHON="${AUTOGRADER_PYTHON:-$ROOT/venv/bin/python}"
STUDENT="${AUTOGRADER_STUDENT:-student}"
COURSE="$(cd "$(dirname "$0")" && pwd)/course"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
SUBMITTED="$WORK/submitted"
OUT="$WORK/out"
mkdir -p "$SUBMITTED/$STUDENT/$ASSIGNMENT" "$OUT" "$ROOT/results"

# The uploaded notebooks (a zip upload may nest them a level or two down);
# the grader picks $ASSIGNMENT.ipynb, or a single renamed copy, and says so.
while IFS= read -r -d '' notebook; do
  target="$SUBMITTED/$STUDENT/$ASSIGNMENT/$(basename "$notebook")"
  [ -e "$target" ] || cp "$notebook" "$target"
done < <(find "$ROOT/submission" -maxdepth 3 -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*' -type f -print0 | sort -z)

EXTRA=()
if [ "${AUTOGRADER_UNCONFINED:-0}" = "1" ]; then EXTRA+=(--allow-unconfined); fi
"$PYTHON" -m autograder.cli --course "$COURSE" grade "$ASSIGNMENT" --submitted "$SUBMITTED" --out "$OUT" --workers 1 "${EXTRA[@]}"
echo "autograder grade exited with $?"
"$PYTHON" -m autograder.gradescope.results "$OUT" "$ROOT/results/results.json" "$COURSE"
