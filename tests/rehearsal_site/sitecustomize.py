"""Dress rehearsal only (tests/rehearsal_fixtures.py): the fixtures' own checksums replace the published ones.

- REHEARSAL_CIFAR_MD5: torchvision's CIFAR-10 loader checks each batch file against the fixture's MD5s.
- REHEARSAL_ALEXNET: LPIPS (replication.metrics.lpips) reads the fixture's AlexNet weights from TORCH_HOME's hub
  cache: the file name, whose hash prefix the check compares with, is the fixture's own.
"""

import json
import os

_md5_file = os.environ.get("REHEARSAL_CIFAR_MD5")
if _md5_file:
    from torchvision.datasets import CIFAR10

    _md5 = json.loads(open(_md5_file).read())
    CIFAR10.train_list = [[name, _md5[name]] for name, _ in CIFAR10.train_list]
    CIFAR10.test_list = [[name, _md5[name]] for name, _ in CIFAR10.test_list]
    CIFAR10.meta = {**CIFAR10.meta, "md5": _md5[CIFAR10.meta["filename"]]}

_alexnet = os.environ.get("REHEARSAL_ALEXNET")
if _alexnet:
    from replication.metrics import lpips as _lpips

    _lpips.ALEXNET_URL = _lpips.ALEXNET_URL.rsplit("/", 1)[0] + "/" + os.path.basename(_alexnet)
