import pytest
import torch
import torch.nn as nn

from replication.nets.pix2pix import PatchDiscriminator, UNetGenerator


def n_params(module: torch.nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


@pytest.mark.parametrize("size", [32, 64, 128, 256])
@pytest.mark.parametrize("channels", [1, 3])
def test_generator_maps_an_image_and_z_to_an_image_of_the_same_size(size, channels):
    torch.manual_seed(0)
    g = UNetGenerator(channels, 3, nz=8, width=4, image_size=size)
    y = g(torch.randn(2, channels, size, size), torch.randn(2, 8))
    assert y.shape == (2, 3, size, size)
    assert y.abs().max() <= 1  # tanh


def test_generator_output_depends_on_z_and_only_on_that_sample_z():
    torch.manual_seed(0)
    g = UNetGenerator(3, 3, nz=8, width=4, image_size=32).eval()  # eval: BN uses running stats, no batch coupling
    x, z = torch.randn(2, 3, 32, 32), torch.randn(2, 8)
    z_other = z.clone()
    z_other[0] = torch.randn(8)
    with torch.no_grad():
        y, y_same, y_other = g(x, z), g(x, z.clone()), g(x, z_other)
    assert torch.equal(y, y_same)
    assert (y[0] - y_other[0]).abs().max() > 1e-6  # sample 0's z changed: its output moves …
    assert torch.equal(y[1], y_other[1])  # … and sample 1's does not


def test_generator_without_z_is_a_plain_unet_and_rejects_a_wrong_z():
    g = UNetGenerator(1, 1, nz=0, width=4, image_size=64).eval()
    assert g.down[0].in_channels == 1
    assert g(torch.randn(2, 1, 64, 64)).shape == (2, 1, 64, 64)
    with pytest.raises(ValueError, match=r"z must be \[N, nz\]"):
        UNetGenerator(1, 1, nz=4, width=4, image_size=32)(torch.randn(2, 1, 32, 32), torch.randn(2, 3))


@pytest.mark.parametrize("size", [16, 48, 512])
def test_generator_rejects_other_sizes_and_lists_the_valid_ones(size):
    with pytest.raises(ValueError, match=r"\[32, 64, 128, 256\]"):
        UNetGenerator(3, 3, nz=8, width=4, image_size=size)


def test_generator_widths_are_capped_at_eight_times_width():
    g = UNetGenerator(3, 3, nz=8, width=4, image_size=256)
    widths = [(m if isinstance(m, torch.nn.Conv2d) else m[0]).out_channels for m in g.down]
    assert widths == [4, 8, 16, 32, 32, 32, 32, 32]  # 8 down-steps: 256 → 1


def test_generator_parameter_count_by_hand():
    # in = out = 1, nz = 2, width = 2, S = 32: widths c = (2, 4, 8, 16, 16); a 4×4 conv a→b has 16ab + b.
    # encoder: conv 3→2 = 98; 2→4 = 132 + BN 8; 4→8 = 520 + BN 16; 8→16 = 2064 + BN 32;
    #          16→16 (bottleneck, no BN) = 4112                                        → 6982
    # decoder: convT 16→16 = 4112 + BN 32; 32→8 = 4104 + BN 16; 16→4 = 1028 + BN 8;
    #          8→2 = 258 + BN 4; 4→1 = 65                                              → 9627
    assert n_params(UNetGenerator(1, 1, nz=2, width=2, image_size=32)) == 6982 + 9627


@pytest.mark.parametrize("size", [32, 64, 128, 256])
@pytest.mark.parametrize("n_layers", [2, 3])
def test_patch_discriminator_gives_one_logit_per_patch(size, n_layers):
    d = PatchDiscriminator(in_channels=1 + 3, width=4, n_layers=n_layers)
    side = size // 2**n_layers - 2  # n stride-2 halvings, then two 4×4 stride-1 convs with padding 1 (−1 each)
    assert d(torch.randn(2, 4, size, size)).shape == (2, 1, side, side)


def test_patch_discriminator_parameter_count_by_hand():
    # in = 2, width = 2, n_layers = 2: conv 2→2 = 66; 2→4 = 132 + BN 8; stride-1 4→8 = 520 + BN 16; 8→1 = 129
    assert n_params(PatchDiscriminator(2, width=2, n_layers=2)) == 66 + 132 + 8 + 520 + 16 + 129


@pytest.mark.parametrize(("n_layers", "field"), [(2, 34), (3, 70)])
def test_patch_receptive_field_is_what_the_docstring_says(n_layers, field):
    torch.manual_seed(0)
    d = PatchDiscriminator(1, width=2, n_layers=n_layers).eval()
    x = torch.randn(1, 1, 128, 128, requires_grad=True)
    logits = d(x)
    centre = logits.shape[-1] // 2
    logits[0, 0, centre, centre].backward()
    rows = (x.grad[0, 0].abs().sum(1) > 0).nonzero().flatten()
    assert PatchDiscriminator.receptive_field(n_layers) == field
    assert int(rows.max() - rows.min() + 1) == field


@pytest.mark.parametrize("size", [32, 64, 128, 256])
def test_z_at_every_level_and_the_multi_scale_discriminator_shapes(size):
    from replication.nets.pix2pix import MultiScaleDiscriminator

    g = UNetGenerator(3, 3, nz=2, width=4, image_size=size, norm="instance", z_at="all").eval()
    x, z = torch.randn(2, 3, size, size), torch.randn(2, 2)
    assert g(x, z).shape == (2, 3, size, size)
    first = g.down[1].weight if isinstance(g.down[1], nn.Conv2d) else g.down[1][0].weight
    assert first.shape[1] == 4 + 2  # level 1 takes h_0's 4 channels and z's 2
    d = MultiScaleDiscriminator(6, width=4, image_size=size, scales=2)
    full, half = d(torch.randn(2, 6, size, size))
    layers = 3 if size >= 64 else 2
    assert full.shape[-1] == size // 2**layers - 2 and half.shape[-1] == size // 2 ** (layers + 1) - 2
    assert d.discriminators[1].net[0].out_channels == 2  # half as wide


def test_z_at_every_level_reaches_the_output_through_the_inner_levels():
    torch.manual_seed(0)
    g = UNetGenerator(1, 1, nz=2, width=4, image_size=32, norm="instance", z_at="all")
    z = torch.randn(1, 2, requires_grad=True)
    g(torch.randn(1, 1, 32, 32), z).sum().backward()
    inner = g.down[2].weight if isinstance(g.down[2], nn.Conv2d) else g.down[2][0].weight
    assert inner.shape[1] == 8 + 2 and z.grad.abs().sum() > 0
    with pytest.raises(ValueError, match="z_at must be"):
        UNetGenerator(1, 1, nz=2, width=4, image_size=32, z_at="middle")


def test_spectral_norm_is_off_by_default_and_bounds_every_conv_when_on():
    from replication.configs.msgan import MSGANPix2PixConfig
    from replication.nets.pix2pix import MultiScaleDiscriminator

    torch.manual_seed(0)
    plain = MultiScaleDiscriminator(4, 8, 32, scales=1)
    assert not any("parametrizations" in k for k in plain.state_dict())
    normed = MultiScaleDiscriminator(4, 8, 32, scales=1, spectral_norm=True)
    for _ in range(30):  # power iterations run in train-mode forwards
        outputs = normed(torch.randn(2, 4, 32, 32))
    assert [o.shape for o in outputs] == [o.shape for o in plain(torch.randn(2, 4, 32, 32))]
    normed.eval()
    convs = [m for m in normed.modules() if isinstance(m, torch.nn.Conv2d)]
    sigmas = [torch.linalg.matrix_norm(c.weight.flatten(1), ord=2).item() for c in convs]
    assert len(sigmas) == 4 and max(abs(s - 1) for s in sigmas) < 0.05
    assert "z_at" not in MSGANPix2PixConfig().training_config()  # the defaults keep the run folders' hashes
    assert MSGANPix2PixConfig(z_at="input", d_spectral_norm=True).training_config()["d_spectral_norm"] is True
