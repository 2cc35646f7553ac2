"""ContraGAN: the 2C loss against the paper's equation written as a naive double loop, the heads and
hinge losses on hand-computed values, spectral norm, EMA, CR's augmentation, PRDC, the registry."""

from __future__ import annotations

import math

import pytest
import torch

from replication.configs.profiles import get_profile
from replication.core.ema import ema_update_, make_ema
from replication.experiments import contragan
from replication.losses.contragan import (
    acgan_loss,
    conditional_contrastive_loss,
    consistency_loss,
    cr_augment,
    cr_flips,
    hinge_discriminator_loss,
    hinge_generator_loss,
)
from replication.metrics.prdc import prdc
from replication.nets.contragan import BACKBONES, Discriminator, Generator, get_backbone, projection_logit


def naive_2c(embeddings, proxies, labels, t):
    """Paper eq. 7, term by term: −log((e^{l_i·e_i/t} + Σ_{k≠i, y_k=y_i} e^{l_i·l_k/t}) / (e^{l_i·e_i/t} + Σ_{k≠i} e^{l_i·l_k/t}))."""
    n = len(embeddings)
    total = 0.0
    for i in range(n):
        li = embeddings[i] / embeddings[i].norm()
        ei = proxies[i] / proxies[i].norm()
        proxy_term = math.exp(float(li @ ei) / t)
        numerator, denominator = proxy_term, proxy_term
        for k in range(n):
            if k == i:
                continue
            lk = embeddings[k] / embeddings[k].norm()
            term = math.exp(float(li @ lk) / t)
            denominator += term
            if labels[k] == labels[i]:
                numerator += term
        total += -math.log(numerator / denominator)
    return total / n


@pytest.mark.parametrize("t", [0.5, 1.0, 2.0])
def test_2c_loss_equals_the_papers_equation_term_by_term(t):
    g = torch.Generator().manual_seed(0)
    embeddings = torch.randn(9, 5, generator=g, dtype=torch.float64)
    proxies = torch.randn(9, 5, generator=g, dtype=torch.float64)
    labels = torch.tensor([0, 1, 0, 2, 1, 0, 3, 2, 1])  # class 3 has one member: its only positive is the proxy
    ours = float(conditional_contrastive_loss(embeddings, proxies, labels, t))
    assert ours == pytest.approx(naive_2c(embeddings, proxies, labels, t), rel=1e-10)


def test_2c_loss_is_stable_where_the_naive_ratio_overflows():
    g = torch.Generator().manual_seed(1)
    embeddings, proxies = torch.randn(2, 8, 4, generator=g)
    labels = torch.tensor([0, 0, 1, 1, 2, 2, 0, 1])
    t = 0.005  # exp(1/t) = e^200 overflows float32
    naive32 = torch.exp(torch.tensor(1 / t, dtype=torch.float32))
    assert torch.isinf(naive32)
    ours = conditional_contrastive_loss(embeddings, proxies, labels, t)
    assert torch.isfinite(ours)
    assert float(ours) == pytest.approx(naive_2c(embeddings.double(), proxies.double(), labels, t), rel=1e-4)


def test_2c_gradient_pulls_same_class_embeddings_together():
    embeddings = torch.tensor([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]], requires_grad=True)
    proxies = torch.tensor([[1.0, 0.2], [1.0, 0.2], [-1.0, 0.0]])
    labels = torch.tensor([0, 0, 1])
    loss = conditional_contrastive_loss(embeddings, proxies, labels, 1.0)
    loss.backward()
    stepped = embeddings.detach() - 0.1 * embeddings.grad
    before = torch.nn.functional.cosine_similarity(embeddings[0:1], embeddings[1:2]).item()
    after = torch.nn.functional.cosine_similarity(stepped[0:1], stepped[1:2]).item()
    assert after > before


def test_hinge_losses_by_hand():
    real, fake = torch.tensor([2.0, 0.5, -1.0]), torch.tensor([-2.0, 0.0, 1.5])
    # real: max(0, 1−x) = 0, 0.5, 2 → 2.5/3; fake: max(0, 1+x) = 0, 1, 2.5 → 3.5/3
    assert float(hinge_discriminator_loss(real, fake)) == pytest.approx(2.5 / 3 + 3.5 / 3)
    assert float(hinge_generator_loss(fake)) == pytest.approx(-(-2.0 + 0.0 + 1.5) / 3)


def test_acgan_loss_by_hand():
    logits = torch.tensor([[2.0, 0.0], [0.0, 1.0]])
    labels = torch.tensor([0, 1])
    expected = -(math.log(math.exp(2) / (math.exp(2) + 1)) + math.log(math.e / (1 + math.e))) / 2
    assert float(acgan_loss(logits, labels)) == pytest.approx(expected)


def test_projection_logit_by_hand_and_inside_the_discriminator():
    psi = torch.tensor([0.5, -1.0])
    features = torch.tensor([[1.0, 2.0], [3.0, -1.0]])
    embedding = torch.tensor([[1.0, 0.0], [0.5, 2.0]])
    assert projection_logit(psi, features, embedding).tolist() == pytest.approx([1.5, -1.5])

    torch.manual_seed(0)
    d = Discriminator(get_backbone("SNDCGAN"), "projection", 10, 4, 1).eval()
    x, y = torch.randn(3, 1, 32, 32), torch.tensor([1, 4, 9])
    h = d.features(x)
    expected = d.psi(h).squeeze(1) + (d.class_embedding(y) * h).sum(1)
    torch.testing.assert_close(d(x, y).adv, expected)


def test_consistency_loss_adds_the_heads_own_output():
    from replication.nets.contragan import DiscOutput

    adv, adv_aug = torch.tensor([1.0, 2.0]), torch.tensor([0.0, 4.0])  # mean of 1 and 4 = 2.5
    assert float(consistency_loss(DiscOutput(adv), DiscOutput(adv_aug))) == pytest.approx(2.5)
    emb, emb_aug = torch.zeros(2, 2), torch.tensor([[1.0, 1.0], [0.0, 2.0]])  # mean of 1, 1, 0, 4 = 1.5
    two_c = consistency_loss(
        DiscOutput(adv, embedding=emb, proxy=emb), DiscOutput(adv_aug, embedding=emb_aug, proxy=emb)
    )
    assert float(two_c) == pytest.approx(2.5 + 1.5)
    acgan = consistency_loss(DiscOutput(adv, class_logits=emb), DiscOutput(adv_aug, class_logits=emb_aug))
    assert float(acgan) == pytest.approx(2.5 + 1.5)


@pytest.mark.parametrize("flip", [True, False])
def test_cr_augmentation_is_a_reflect_padded_shift_and_flips_only_when_asked(flip):
    torch.manual_seed(0)
    x = torch.randn(16, 2, 8, 8)
    out = cr_augment(x, max_shift=2, flip=flip)
    assert out.shape == x.shape
    for image, augmented in zip(x, out, strict=True):
        candidates = []
        for flipped in (image, image.flip(2)) if flip else (image,):
            padded = torch.nn.functional.pad(flipped[None], (2, 2, 2, 2), mode="reflect")[0]
            candidates += [padded[:, dy : dy + 8, dx : dx + 8] for dy in range(5) for dx in range(5)]
        assert any(torch.equal(augmented, c) for c in candidates)  # a (flip and) shift of the input, nothing else
    grey_border = torch.nn.functional.pad(x, (2, 2, 2, 2))[:, :, :8, :8]  # the old zero-padded corner shift
    assert not any(torch.equal(a, g) for a, g in zip(out, grey_border, strict=True))


def test_cr_does_not_flip_digits():
    assert not cr_flips("mnist5k") and not cr_flips("digits") and cr_flips("cifar10")


@pytest.mark.parametrize("backbone", list(BACKBONES))
@pytest.mark.parametrize("head", ["acgan", "projection", "2C"])
def test_every_backbone_and_head_builds_and_shapes_agree(backbone, head):
    torch.manual_seed(0)
    spec = get_backbone(backbone)
    g = Generator(spec, nz=16, num_classes=10, width=4, out_channels=1, shared_dim=8)
    d = Discriminator(spec, head, num_classes=10, width=4, in_channels=1, embed_dim=12)
    labels = torch.randint(0, 10, (5,))
    images = g(torch.randn(5, 16), labels)
    assert images.shape == (5, 1, 32, 32) and images.abs().max() <= 1
    out = d(images, labels)
    assert out.adv.shape == (5,)
    assert (out.class_logits is not None) == (head == "acgan")
    assert (out.embedding is not None and out.embedding.shape == (5, 12)) == (head == "2C")
    if spec.attention:
        assert g.attention.gamma.item() == 0.0  # self-attention starts as the identity


def test_spectral_norm_keeps_the_largest_singular_value_near_one():
    torch.manual_seed(0)
    d = Discriminator(get_backbone("SNResGAN"), "projection", 10, 4, 1)
    for layer in d.modules():
        if isinstance(layer, torch.nn.Conv2d):
            with torch.no_grad():
                layer.parametrizations.weight.original.mul_(7.0)  # far from σ = 1 before normalising
    for _ in range(30):  # power iterations run in train-mode forwards
        d(torch.randn(2, 1, 32, 32), torch.randint(0, 10, (2,)))
    d.eval()
    sigmas = [
        torch.linalg.matrix_norm(layer.weight.flatten(1), ord=2).item()
        for layer in d.modules()
        if isinstance(layer, torch.nn.Conv2d)
    ]
    assert len(sigmas) > 8 and all(abs(s - 1) < 0.02 for s in sigmas), sigmas


def test_ema_update_by_hand():
    model, ema = torch.nn.Linear(1, 1, bias=False), None
    with torch.no_grad():
        model.weight.fill_(1.0)
    ema = make_ema(model)
    with torch.no_grad():
        model.weight.fill_(3.0)
    ema_update_(ema, model, decay=0.9, step=5, start=10)  # before `start`: a copy
    assert ema.weight.item() == pytest.approx(3.0)
    with torch.no_grad():
        model.weight.fill_(5.0)
    ema_update_(ema, model, decay=0.9, step=10, start=10)  # 0.9·3 + 0.1·5
    assert ema.weight.item() == pytest.approx(3.2)
    assert not ema.weight.requires_grad


def naive_prdc(real, fake, k):
    def kth(points, i):
        return sorted(float((points[i] - points[j]).norm()) for j in range(len(points)) if j != i)[k - 1]

    real_r = [kth(real, i) for i in range(len(real))]
    fake_r = [kth(fake, j) for j in range(len(fake))]
    d = [[float((real[i] - fake[j]).norm()) for j in range(len(fake))] for i in range(len(real))]
    n, m = len(real), len(fake)
    precision = sum(any(d[i][j] <= real_r[i] for i in range(n)) for j in range(m)) / m
    recall = sum(any(d[i][j] <= fake_r[j] for j in range(m)) for i in range(n)) / n
    density = sum(d[i][j] <= real_r[i] for i in range(n) for j in range(m)) / (k * m)
    coverage = sum(any(d[i][j] <= real_r[i] for j in range(m)) for i in range(n)) / n
    return {"precision": precision, "recall": recall, "density": density, "coverage": coverage}


def test_prdc_equals_a_naive_loop_and_separates_disjoint_sets():
    g = torch.Generator().manual_seed(0)
    real = torch.randn(40, 3, generator=g, dtype=torch.float64)
    fake = torch.randn(30, 3, generator=g, dtype=torch.float64) * 1.5 + 0.5
    ours, naive = prdc(real, fake, k=5), naive_prdc(real, fake, 5)
    assert ours == pytest.approx(naive)
    assert prdc(real, fake, k=5, chunk=7) == pytest.approx(naive)  # computed in blocks: the same numbers
    assert 0 < ours["precision"] < 1 and 0 < ours["coverage"] < 1
    far = prdc(real, fake + 100.0, k=5)
    assert far == {"precision": 0.0, "recall": 0.0, "density": 0.0, "coverage": 0.0}
    with pytest.raises(ValueError, match="k=5"):
        prdc(real[:5], fake, k=5)


def test_a_fixed_real_manifold_gives_prdcs_precision():
    from replication.metrics.manifold import RealManifold

    g = torch.Generator().manual_seed(1)
    real = torch.randn(40, 3, generator=g, dtype=torch.float64)
    manifold = RealManifold(real, k=5, chunk=9)
    for shift in (0.0, 0.7, 100.0):
        fake = torch.randn(30, 3, generator=g, dtype=torch.float64) + shift
        assert manifold.precision(fake) == pytest.approx(naive_prdc(real, fake, 5)["precision"])
    # by hand: reals at 0, 1, 3 on a line, k = 1 → radii 1, 1, 2; fakes at 0.5 (inside), 2.5 (inside 3's ball), 6 (no)
    line = RealManifold(torch.tensor([[0.0], [1.0], [3.0]]), k=1)
    assert line.precision(torch.tensor([[0.5], [2.5], [6.0]])) == pytest.approx(2 / 3)
    # above `limit`, evenly spaced reals and fakes (first and last kept)
    fake = torch.randn(30, 3, generator=g, dtype=torch.float64)
    keep_real, keep_fake = torch.linspace(0, 39, 20).round().long(), torch.linspace(0, 29, 20).round().long()
    expected = naive_prdc(real[keep_real], fake[keep_fake], 5)["precision"]
    assert RealManifold(real, k=5, limit=20).precision(fake) == pytest.approx(expected)


def test_method_names_and_their_errors():
    config = get_profile(contragan.TABLE1, "paper")
    assert contragan.method_spec("SNDCGAN + 2C", config) == contragan.MethodSpec("SNDCGAN", "2C")
    assert contragan.method_spec("ContraGAN + CR", config) == contragan.MethodSpec("BigGAN", "2C", cr=True)
    assert contragan.method_spec("BigGAN", config) == contragan.method_spec("BigGAN + projection", config)
    assert contragan.method_spec("2C", config).backbone == config.overfitting_backbone
    with pytest.raises(ValueError, match="Valid methods"):
        contragan.method_spec("SNDCGAN + hinge", config)
    with pytest.raises(ValueError, match="Valid backbones: SNDCGAN, SNResGAN, SAGAN, BigGAN"):
        contragan.method_spec("ResNet + 2C", config)
    with pytest.raises(ValueError, match="Valid heads"):
        Discriminator(get_backbone("SNDCGAN"), "hinge")


def test_paper_profile_holds_the_papers_cifar10_settings_and_cpu_has_three_seeds():
    paper = get_profile(contragan.TABLE1, "paper")
    assert (paper.batch_size, paper.d_steps_per_g, paper.steps, paper.lr_g, paper.lr_d) == (64, 5, 80_000, 2e-4, 2e-4)
    assert (paper.temperature, paper.lambda_2c, paper.embed_dim, paper.nz, 4 * paper.width) == (1.0, 1.0, 512, 80, 96)
    for table in (contragan.TABLE1, contragan.TABLE2, contragan.OVERFITTING):
        cpu = get_profile(table, "cpu")
        assert len(cpu.seeds) >= 3 and cpu.dataset == "mnist5k" and cpu.extractor == "classifier:mnist5k"


def test_the_papers_own_gains_are_compared_with_its_printed_spread():
    full = contragan.reported_gain_frame()
    frame = full[full["data set"] == "CIFAR-10"].set_index("backbone")
    # SNDCGAN: projection 19.524 ± 0.249 vs 2C 18.788 ± 0.571 → gain 0.736 < 0.820
    assert frame.loc["SNDCGAN", "gain of 2C (FID)"] == "+0.736"
    assert frame.loc["SNDCGAN", "gain beyond the paper's spread"] == "no"
    assert frame.loc["SNResGAN", "gain of 2C (FID)"] == "-0.309"  # projection is better there
    assert frame.loc["BigGAN", "gain of 2C (FID)"] == "+0.100"  # vs ACGAN 10.697
    tiny = full[full["data set"] == "Tiny ImageNet"].set_index("backbone")  # no ± printed on that row
    assert tiny.loc["BigGAN", "gain of 2C (FID)"] == "+8.887"  # vs projection 40.981 − 32.094
    assert tiny.loc["BigGAN", "gain beyond the paper's spread"] == "cannot say"


def test_the_configs_backbone_names_are_the_nets_and_an_unknown_one_is_refused():
    from replication.configs.contragan import BACKBONE_NAMES, ContraGANConfig
    from replication.nets.contragan import BACKBONES

    assert BACKBONE_NAMES == tuple(BACKBONES)
    with pytest.raises(ValueError, match="Valid backbones: SNDCGAN, SNResGAN, SAGAN, BigGAN"):
        get_profile("contragan_overfitting", "cpu", overfitting_backbone="ResNet")
    with pytest.raises(ValueError, match="Unknown backbone 'X'"):
        ContraGANConfig(overfitting_backbone="X")
