"""ContraGAN at 32, 64 and 128 px: output shapes, BigGAN's z chunks, where self-attention sits, the
32-px nets against a list of their state_dict entries captured before the size was a setting, the
rows' image sizes, run folders and which runs compare with the paper."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
import torch

from replication.configs.contragan import ContraGANConfig
from replication.configs.profiles import get_profile
from replication.experiments import contragan
from replication.nets.contragan import BACKBONES, HEADS, Discriminator, Generator

SIZES = (32, 64, 128)
# captured from the 32-px-only code (commit fb24065) with these sizes: G(nz=12, classes=3, width=4,
# shared_dim=5), D(classes=3, width=4, embed_dim=6); "name [shape]" in state_dict order
CAPTURED = Path(__file__).parent / "data" / "contragan_32px_state_dicts.json"


def tiny_nets(backbone: str, head: str = "2C", size: int = 32) -> tuple[Generator, Discriminator]:
    b = BACKBONES[backbone]
    return (
        Generator(b, nz=12, num_classes=3, width=1, shared_dim=4, image_size=size),
        Discriminator(b, head, num_classes=3, width=1, embed_dim=6, image_size=size),
    )


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("backbone", list(BACKBONES))
def test_every_backbone_at_every_size_gives_images_of_that_size_and_a_logit_per_image(backbone, size):
    torch.manual_seed(0)
    generator, discriminator = tiny_nets(backbone, size=size)
    labels = torch.tensor([0, 2])
    images = generator(torch.randn(2, 12), labels)
    assert images.shape == (2, 3, size, size)
    out = discriminator(images, labels)
    assert out.adv.shape == (2,) and out.embedding.shape == (2, 6) and out.proxy.shape == (2, 6)
    blocks = {32: 3, 64: 4, 128: 5}[size]
    assert len(generator.blocks) == blocks
    assert len(discriminator.blocks) == (blocks + 1 if BACKBONES[backbone].blocks == "resnet" else 2 * blocks + 1)


@pytest.mark.parametrize("size, chunks", [(32, 4), (64, 5), (128, 6)])
def test_biggan_splits_z_into_one_chunk_per_block_plus_one(size, chunks):
    nz, shared_dim = 60, 4
    generator = Generator(BACKBONES["BigGAN"], nz=nz, num_classes=3, width=1, shared_dim=shared_dim, image_size=size)
    assert generator.chunks == chunks == len(generator.blocks) + 1
    assert generator.linear.in_features == nz // chunks
    for block in generator.blocks:  # every CBN sees [shared embedding ; its own chunk]
        assert block.bn1.gain.in_features == shared_dim + nz // chunks


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("backbone", ["SAGAN", "BigGAN"])
def test_self_attention_sits_at_half_the_image_size_in_g_and_d(backbone, size):
    generator, discriminator = tiny_nets(backbone, size=size)
    seen = {}

    def record(name: str):
        def hook(module, inputs, output) -> None:
            seen[name] = inputs[0].shape[-1]

        return hook

    generator.attention.register_forward_hook(record("G"))
    discriminator.attention.register_forward_hook(record("D"))
    labels = torch.tensor([0, 1])
    discriminator(generator(torch.randn(2, 12), labels), labels)
    assert seen == {"G": size // 2, "D": size // 2}


def test_resnet_channels_follow_biggans_multipliers_at_64_and_128_px():
    width = 2  # ch = 4·width = 8
    g64 = Generator(BACKBONES["BigGAN"], nz=10, num_classes=3, width=width, image_size=64)
    assert [b.conv1.out_channels for b in g64.blocks] == [64, 32, 16, 8]
    assert g64.linear.out_features == 128 * 16  # 16ch at 4×4
    d128 = Discriminator(BACKBONES["SNResGAN"], "projection", num_classes=3, width=width, image_size=128)
    assert [b.conv1.out_channels for b in d128.blocks] == [8, 16, 32, 64, 128, 128]
    assert [b.downsample for b in d128.blocks] == [True] * 5 + [False]
    g32 = Generator(BACKBONES["SNResGAN"], nz=10, num_classes=3, width=width)
    assert [b.conv1.out_channels for b in g32.blocks] == [8, 8, 8]


def test_other_sizes_are_refused():
    with pytest.raises(ValueError, match="32, 64, 128"):
        Generator(BACKBONES["BigGAN"], image_size=48)
    with pytest.raises(ValueError, match="32, 64, 128"):
        Discriminator(BACKBONES["SNDCGAN"], "2C", image_size=256)


def test_32px_nets_keep_the_state_dict_entries_they_had_before_the_size_was_a_setting():
    captured = json.loads(CAPTURED.read_text())
    assert len(captured) == len(BACKBONES) * (1 + len(HEADS))
    for name, backbone in BACKBONES.items():
        nets = {f"G {name}": Generator(backbone, nz=12, num_classes=3, width=4, shared_dim=5, image_size=32)}
        for head in HEADS:
            nets[f"D {name} {head}"] = Discriminator(backbone, head, num_classes=3, width=4, embed_dim=6)
        for key, net in nets.items():
            assert [f"{k} {list(v.shape)}" for k, v in net.state_dict().items()] == captured[key], key


def test_rows_bring_their_image_size_and_every_other_profile_stays_at_32px():
    assert get_profile("contragan_table2", "paper", dataset="tiny-imagenet").image_size == 64
    assert get_profile("contragan_table2", "paper", dataset="imagenet").image_size == 128
    assert get_profile("contragan_table2", "gpu", dataset="imagenet").image_size == 128
    assert get_profile("contragan_table1", "gpu", dataset="tiny-imagenet").image_size == 64
    assert get_profile("contragan_table2", "paper", dataset="cifar10").image_size == 32
    assert get_profile("contragan_table2", "cpu", dataset="tiny-imagenet").image_size == 32  # cpu keeps its sizes
    for table in (contragan.TABLE1, contragan.TABLE2, contragan.OVERFITTING):
        for profile in ("smoke", "cpu", "gpu", "paper"):
            assert get_profile(table, profile).image_size == 32, (table, profile)


def test_run_folders_are_keyed_by_the_image_size_only_off_32px():
    spec = contragan.MethodSpec("BigGAN", "2C")
    at32 = get_profile("contragan_table2", "paper")
    assert "image_size" not in contragan.run_config(at32, spec) and "image_size" not in at32.training_config()
    at64 = get_profile("contragan_table2", "paper", dataset="tiny-imagenet")
    assert contragan.run_config(at64, spec)["image_size"] == 64 and at64.training_config()["image_size"] == 64
    resized = replace(at32, image_size=64)  # the same settings at another size train in another folder
    assert contragan.run_config(resized, spec) == {**contragan.run_config(at32, spec), "image_size": 64}


@pytest.mark.parametrize(
    "dataset, size, extractor, expected",
    [
        ("cifar10", 32, "inception-v3-fid", True),
        ("tiny-imagenet", 64, "inception-v3-fid", True),
        ("imagenet", 128, "inception-v3-fid", True),
        ("tiny-imagenet", 32, "inception-v3-fid", False),  # a paper row off its resolution
        ("imagenet", 64, "inception-v3-fid", False),
        ("cifar10", 64, "inception-v3-fid", False),
        ("cifar10", 32, "classifier:cifar10", False),  # not the paper's extractor
        ("mnist5k", 32, "inception-v3-fid", False),  # not a paper row
    ],
)
def test_only_inception_fid_on_a_paper_row_at_its_resolution_compares_with_the_paper(
    dataset, size, extractor, expected
):
    config = ContraGANConfig(dataset=dataset, image_size=size, extractor=extractor)
    assert contragan.comparable_to_paper(config, dataset) is expected
