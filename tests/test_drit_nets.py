"""DRIT's networks (replication/nets/drit.py): shapes at every size, the shared content layer, the
noise layer, the discriminators' plans and a parameter count by hand."""

import pytest
import torch
import torch.nn as nn

from replication.nets import drit


def n_params(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


@pytest.mark.parametrize("size", [32, 64, 128, 216, 256])
@pytest.mark.parametrize("concat", [True, False])
def test_encoders_and_generators_map_between_domains_at_every_size(size, concat):
    torch.manual_seed(0)
    width, nz = 2, 8
    encoder = drit.ContentEncoder(3, 1, width)
    attribute = (drit.AttributeEncoderConcat if concat else drit.AttributeEncoder)(3, 1, nz, width)
    generator = (drit.GeneratorConcat if concat else drit.GeneratorMLP)(3, 1, nz, width)
    a, b = torch.randn(2, 3, size, size), torch.randn(2, 1, size, size)
    content_a, content_b = encoder(a, "a"), encoder(b, "b")
    assert content_a.shape == content_b.shape == (2, 4 * width, size // 4, size // 4)
    codes = attribute(a, "a")
    for code in codes if concat else (codes,):  # (μ, log σ²) or z
        assert code.shape == (2, nz)
    z = torch.randn(2, nz)
    to_b, to_a = generator(content_a, z, "b"), generator(content_b, z, "a")
    assert to_b.shape == (2, 1, size, size) and to_a.shape == (2, 3, size, size)
    assert to_b.abs().max() <= 1  # tanh


@pytest.mark.parametrize("size", [32, 64, 128, 216, 256])
def test_discriminators_give_patch_maps_per_scale_and_one_content_logit_per_image(size):
    layers = drit.discriminator_layers(size)
    d = drit.MultiScaleDiscriminator(3, width=2, scales=3, layers=layers)
    maps = d(torch.randn(2, 3, size, size))
    assert len(maps) == 3
    for k, logits in enumerate(maps):  # input side ⌈size / 2^k⌉, then `layers` stride-2 4×4 convs (pad 1)
        side = -(-size // 2**k)
        for _ in range(layers):
            side = side // 2
        assert logits.shape == (2, 1, side, side)
    content = drit.ContentDiscriminator(8, size // 4)
    assert content(torch.randn(2, 8, size // 4, size // 4))[0].shape == (2,)


def test_the_content_discriminator_is_the_official_one_on_216_pixel_crops():
    # Dis_content: three 7×7 stride-2 convs take 54 → 25 → 11 → 4, a 4×4 conv ends at 1×1
    assert drit.content_discriminator_plan(216 // 4) == (3, 4)
    assert [drit.content_discriminator_plan(s) for s in (64, 32, 16, 8)] == [(3, 5), (2, 5), (1, 6), (1, 2)]
    assert drit.discriminator_layers(216) == 4 and drit.discriminator_layers(32) == 3


def test_the_content_encoders_last_block_is_shared_and_its_noise_is_on_only_in_training():
    torch.manual_seed(0)
    encoder = drit.ContentEncoder(1, 1, width=2)
    assert encoder.branch["a"] is not encoder.branch["b"]
    x = torch.randn(2, 1, 32, 32)
    encoder.eval()
    with torch.no_grad():
        before = encoder(x, "a"), encoder(x, "b")
        assert torch.equal(before[0], encoder(x, "a"))  # eval: no noise
        nn.init.zeros_(encoder.shared[0].body[0][1].weight)  # change only the shared block …
        after = encoder(x, "a"), encoder(x, "b")
    assert not torch.equal(before[0], after[0]) and not torch.equal(before[1], after[1])  # … both domains move
    encoder.train()
    with torch.no_grad():
        assert not torch.equal(encoder(x, "a"), encoder(x, "a"))  # training: x + N(0, 1)


@pytest.mark.parametrize("concat", [True, False])
def test_a_generators_output_depends_on_the_attribute_of_that_sample_only(concat):
    torch.manual_seed(0)
    generator = (drit.GeneratorConcat if concat else drit.GeneratorMLP)(1, 1, 8, width=2).eval()
    content, z = torch.randn(2, 8, 8, 8), torch.randn(2, 8)
    other = z.clone()
    other[0] = torch.randn(8)
    with torch.no_grad():
        y, y_other = generator(content, z, "b"), generator(content, other, "b")
    assert (y[0] - y_other[0]).abs().max() > 1e-6 and torch.equal(y[1], y_other[1])


def test_no_discriminator_layer_is_normalised_and_conv_weights_start_at_std_002():
    torch.manual_seed(0)
    d = drit.MultiScaleDiscriminator(3, width=64, scales=3, layers=4)
    content = drit.ContentDiscriminator(256, 54)
    for net in (d, content):
        assert not any(isinstance(m, (nn.InstanceNorm2d, nn.BatchNorm2d, drit.LayerNorm)) for m in net.modules())
    weights = torch.cat([m.weight.detach().flatten() for m in d.modules() if isinstance(m, nn.Conv2d)])
    assert abs(float(weights.std()) - 0.02) < 0.002
    leaky = [m.negative_slope for m in d.modules() if isinstance(m, nn.LeakyReLU)]
    assert set(leaky) == {0.01}  # the official nn.LeakyReLU() without a slope


def test_discriminator_and_attribute_head_parameter_counts_by_hand():
    # one scale, width 2, 2 layers, 1 channel: conv4 1→2 = 16·2 + 2 = 34; conv4 2→4 = 16·8 + 4 = 132; 1×1 4→1 = 5
    assert n_params(drit.MultiScaleDiscriminator(1, width=2, scales=1, layers=2)) == 34 + 132 + 5
    # concat attribute encoder, width 1, nz 2, one domain of 1 channel (×2 domains):
    # conv4 1→1 = 17; DownBlocks 1→2, 2→3, 3→4, each conv3 c→c (9c² + c) + conv3 c→d (9cd + d) + 1×1 c→d (cd + d);
    # heads μ and log σ²: 2 × (4·2 + 2)
    blocks = sum(9 * c * c + c + 9 * c * d + d + c * d + d for c, d in ((1, 2), (2, 3), (3, 4)))
    assert n_params(drit.AttributeEncoderConcat(1, 1, nz=2, width=1)) == 2 * (17 + blocks + 2 * 10)


def test_sizes_must_be_multiples_of_four():
    with pytest.raises(ValueError, match="multiple of 4"):
        drit.check_size(30)
    drit.check_size(216)
