#!/usr/bin/env bash
# Trains the quote network (src/kb/parse/quote-net-model.ts) and writes its check fixture
# (test/fixtures/quote-net-logits.json). Needs the corpus and Python 3.11 with numpy and scipy; torch
# comes from the wheels this kind of machine keeps on disk (no download), into a venv of its own.
# Usage: bash scripts/quote-net/train.sh [CORPUS_DIR] [WORK_DIR]   (about 5 minutes on 2 cores)
# QUOTE_NET_SEED (default 1) and QUOTE_NET_EPOCHS (default 8) are passed on to train.py.
set -euo pipefail
cd "$(dirname "$0")/../.."
CORPUS="${1:-${KBBOT_CORPUS_DIR:-/tmp/corpus}}"
WORK="${2:-/tmp/kbbot-quote-net}"
VENV="${QUOTE_NET_VENV:-/tmp/kbbot-quote-net-venv}"
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import torch, numpy, scipy' 2>/dev/null; then
  python3 -m venv --system-site-packages "$VENV"
  "$VENV/bin/pip" install -q --no-index --find-links /opt/wheels --find-links /opt/pypi/files 'torch==2.13.0+cpu'
fi
npx tsc -p .
node scripts/quote-net/dump.mjs "$CORPUS" "$WORK"
node --max-old-space-size=8000 scripts/quote-net/cooc.mjs "$CORPUS" "$WORK"
"$VENV/bin/python" scripts/quote-net/train.py "$WORK"
