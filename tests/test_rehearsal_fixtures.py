"""The dress rehearsal's fixtures (tests/rehearsal_fixtures.py) load through the real loaders, from the layout
data_scripts/download.py leaves, with the splits and sizes the rehearsal expects (seconds; no notebook)."""

from __future__ import annotations

import runpy

import pytest
import rehearsal_fixtures as fixtures
from test_gpu_rehearsal import SPLIT_SIZES, split_sizes


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return fixtures.build_all(tmp_path_factory.mktemp("fixtures"))


@pytest.fixture
def site(root, monkeypatch):
    """What the kernel's sitecustomize does, in this process (undone after the test)."""
    from torchvision.datasets import CIFAR10

    from replication.metrics import lpips

    for name in ("train_list", "test_list", "meta"):
        monkeypatch.setattr(CIFAR10, name, getattr(CIFAR10, name))
    monkeypatch.setattr(lpips, "ALEXNET_URL", lpips.ALEXNET_URL)
    alexnet = next((root / fixtures.TORCH_HOME / "hub" / "checkpoints").glob("alexnet-owt-*.pth"))
    monkeypatch.setenv(fixtures.CIFAR_MD5_ENV, str(root / fixtures.CIFAR_FOLDER / "fixture-md5.json"))
    monkeypatch.setenv(fixtures.ALEXNET_ENV, str(alexnet))
    monkeypatch.setenv("TORCH_HOME", str(root / fixtures.TORCH_HOME))
    runpy.run_path(str(fixtures.SITE_DIR / "sitecustomize.py"))


def test_cifar10_needs_the_fixtures_md5s_and_then_loads(root, site):
    from replication.data.images import load_dataset

    data = load_dataset("cifar10", root=root)
    assert (data.describe()["train_size"], data.describe()["held_out_size"]) == SPLIT_SIZES["cifar10"]
    assert data.image_shape == (3, 32, 32) and data.num_classes == 2


def test_cifar10_without_them_is_refused_as_corrupt(root):
    from replication.data.images import DatasetNotFoundError, load_dataset

    with pytest.raises(DatasetNotFoundError, match="missing or corrupt"):
        load_dataset("cifar10", root=root)


def test_the_other_sets_load_with_their_splits(root):
    from replication.data.image_pairs import load_paired, load_unpaired
    from replication.data.images import load_dataset

    loaded = {
        "facades": load_paired("facades", 64, root),
        "yosemite": load_unpaired("yosemite", 64, root),
        "flowers102": load_dataset("flowers102", 64, root),
        "celeba-identities": load_dataset("celeba-identities", 128, root),
    }
    for name, data in loaded.items():
        assert list(split_sizes(data.describe())) == list(SPLIT_SIZES[name]), name
    assert loaded["celeba-identities"].image_shape == (3, 128, 128)
    from replication.data.cub_text import load_cub_text

    text = load_cub_text(64, root)
    assert list(split_sizes(text.describe())) == list(SPLIT_SIZES["cub200"])
    assert text.train_embeddings.shape[1:] == (10, 1024)


def test_lpips_reads_the_fixture_alexnet(site):
    pytest.importorskip("lpips")
    from replication.metrics.lpips import real_lpips

    distance, source = real_lpips("cpu")
    assert distance is not None and "alexnet-owt-" in source
