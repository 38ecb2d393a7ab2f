#!/usr/bin/env bash
# Gradescope runs this once, as root, in /autograder/source, when the image is built.
set -euo pipefail
cd "$(dirname "$0")"
export DEBIAN_FRONTEND=noninteractive
PY=""
for candidate in python3.13 python3.12 python3.11; do
  if command -v "$candidate" >/dev/null; then PY="$candidate"; break; fi
done
if [ -z "$PY" ]; then
  apt-get update -q
  apt-get install -y -q python3.11 python3.11-venv || { apt-get install -y -q software-properties-common &&
    add-apt-repository -y ppa:deadsnakes/ppa && apt-get update -q && apt-get install -y -q python3.11 python3.11-venv; }
  PY=python3.11
fi
apt-get install -y -q "${PY}-venv" 2>/dev/null || true
"$PY" -m venv /autograder/venv
/autograder/venv/bin/python -m pip install -q --upgrade pip
# The project with its CPU reference backend (numpy, keras, tensorflow-cpu, nbgrader, ...).
/autograder/venv/bin/python -m pip install -q "./project[cpu]"
