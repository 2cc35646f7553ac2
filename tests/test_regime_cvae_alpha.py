"""Regime checks of CVAE-GAN Table 1 (label swap) and the alpha-GAN battery (critic converged,
reconstructions not constant), on constructed cases whose answers are known."""

import json
import math

import pytest
import torch
import torch.nn.functional as F

from replication.claims import regime
from replication.configs.profiles import get_profile
from replication.experiments import alpha_gan, cvae_gan
from replication.experiments import cvae_gan_applications as apps
from replication.metrics.wasserstein_critic import independent_critic_distance
from replication.run.experiment import Runs

# --- generic helpers ---------------------------------------------------------------------------


def test_converged_flat_is_met_still_falling_is_not():
    falling = [10.0 - i for i in range(10)]  # last 10 % = 1.0, previous = 2.0: moved by 1 ≫ 0.05
    out = regime.converged(falling)
    assert not out["met"] and out["change"] == -1.0 and out["tolerance"] == 0.05
    flat = [2.0] * 18 + [2.05, 2.05]  # windows of 2: 2.05 vs 2.0, Δ 0.05 ≤ 5 % of 2.05 = 0.1025
    out = regime.converged(flat)
    assert out["met"] and math.isclose(out["tolerance"], 0.1025) and math.isclose(out["change"], 0.05)
    near_zero = [0.0] * 18 + [0.04, 0.04]  # 5 % of 0.04 is tiny: the absolute floor 0.05 decides
    assert regime.converged(near_zero)["met"] and not regime.converged(near_zero, abs_tol=0.01)["met"]
    assert not regime.converged([1.0])["met"]  # one point: nothing to compare


def test_pairwise_spread_and_ratio_by_hand():
    assert math.isclose(regime.pairwise_spread(torch.tensor([[0.0], [1.0], [3.0]])), 2.0)  # pairs 1, 3, 2
    inputs = torch.tensor([[0.0, 0.0], [2.0, 2.0]])  # per-element L1 between the two: 2
    assert math.isclose(regime.spread_ratio(torch.tensor([[0.0, 0.0], [1.0, 1.0]]), inputs), 0.5)
    x = torch.randn(20, 1, 8, 8)
    assert math.isclose(regime.spread_ratio(x, x), 1.0)
    constant = x[:1].repeat(20, 1, 1, 1)
    assert regime.spread_ratio(constant, x) == 0.0 and not regime.not_constant(0.0)
    assert regime.not_constant(0.5) and not regime.not_constant(0.49)
    blend = 0.3 * constant + 0.7 * x  # (1 − t)·c + t·x spreads exactly t as much as x
    assert math.isclose(regime.spread_ratio(blend, x), 0.7, rel_tol=1e-6)


def test_downsample_keeps_at_most_the_points_and_the_last_value():
    assert regime.downsample([1, 2, 3], 50) == [1.0, 2.0, 3.0]
    out = regime.downsample(list(range(1000)), 50)
    assert len(out) == 50 and out[0] == 0.0 and out[-1] == 999.0


# --- CVAE-GAN: label swap ----------------------------------------------------------------------

K = 10


class _Encoder(torch.nn.Module):  # μ = one-hot of the image's own class, log σ² = 0 → KL ½ per image
    def forward(self, x, labels):
        return F.one_hot(labels, K).float(), torch.zeros(len(labels), K)


class _Generator(torch.nn.Module):
    num_classes = K

    def __init__(self, follows: bool):
        super().__init__()
        self.follows = follows

    def forward(self, z, labels):  # the "image" is a class score vector
        return F.one_hot(labels, K).float() if self.follows else z


class _Extractor:
    @staticmethod
    def logits(images):
        return images


def test_label_swap_on_a_generator_that_follows_and_one_that_keeps_identity():
    y = torch.arange(K).repeat(30)
    x = torch.zeros(len(y), 1)
    follows = cvae_gan.label_swap(_Encoder(), _Generator(True), _Extractor(), x, y)
    keeps = cvae_gan.label_swap(_Encoder(), _Generator(False), _Extractor(), x, y)
    assert follows["follows label"] == 1.0 and follows["keeps identity"] == 0.0
    assert keeps["follows label"] == 0.0 and keeps["keeps identity"] == 1.0
    assert math.isclose(follows["KL"], 0.5) and follows["n"] == len(y)


def _cvae_table(top1: dict[str, float], follows: float, keeps: float):
    config = get_profile(cvae_gan.TABLE_ID, "smoke")  # seeds (0, 1)
    swap = {"follows label": follows, "keeps identity": keeps, "KL": 7.0, "n": 100}
    metrics = {
        m: {
            s: {
                "top-1": top1[m] + s,
                "realism": 2.0 + s,
                "per_class_top1": {str(c): top1[m] for c in range(K)},
                **({"label swap": swap} if m in cvae_gan.ENCODER_METHODS else {}),
            }
            for s in config.seeds
        }
        for m in cvae_gan.METHODS
    }
    return cvae_gan.TableRun(config, Runs(metrics, {}), {}, {})


def _cvae_gated(table) -> list[dict]:
    """The verdicts as the notebook saves them: each gated by its regime checks (`save_table`)."""
    return [regime.attach(v, cvae_gan.regime_checks(table, v)) for v in cvae_gan.verdicts(table)]


def test_cvae_gan_verdicts_are_not_tested_when_the_swap_keeps_identity():
    good = {"CVAE": 70.0, "CGAN": 80.0, "FM-CGAN": 85.0, "CVAE-GAN": 90.0}
    table = _cvae_table(good, follows=0.06, keeps=0.82)  # the reviewer's cpu measurement
    out = _cvae_gated(table)
    assert len(out) == 2 and all(v["verdict"] == "not tested" for v in out)
    for v in out:
        prior, swap = v["regime"]
        assert prior["met"] and not swap["met"] and math.isclose(swap["values"]["threshold"], 0.55)
        assert "label swap" in v["not_tested_because"] and "keeps identity 0.82" in v["not_tested_because"]
        assert "KL 7.00 nats" in swap["measurement"]
    json.dumps(out, allow_nan=False)

    table = _cvae_table(good, 0.9, 0.05)
    followed = _cvae_gated(table)
    assert all(v["verdict"] != "not tested" and all(c["met"] for c in v["regime"]) for v in followed)
    assert followed[0]["verdict"] == "holds"  # top-1 90 > 85 > 80 > 70, same step for both seeds

    weak = _cvae_table({**good, "CVAE": 40.0}, 0.9, 0.05)  # CVAE's prior samples: 0.40, 0.41 < 0.55
    out = _cvae_gated(weak)
    assert all(v["verdict"] == "not tested" and "prior samples do not follow" in v["not_tested_because"] for v in out)
    assert out[0]["verdict_in_regime_would_be"] == "holds"


def _applications_run(fill_spread: dict[str, dict[int, float]]):
    """Runs of the methods in `fill_spread` (none: nothing measured), with their fills' spread ratios."""
    config = get_profile(apps.TABLE_ID, "smoke")  # seeds (0, 1)
    added_top1 = {0: 0.2, 1: 0.3}
    metrics = {
        m: {
            s: {
                "inpainting PSNR": 10.0 + s + (m == "CVAE-GAN"),
                "inpainting SSIM": 0.5,
                "fill spread": fill_spread[m][s],
            }
            for s in config.seeds
        }
        for m in apps.INPAINT_METHODS
        if m in fill_spread
    }
    if "CVAE-GAN" in metrics:  # the augmentation study: the subset-trained generator's own runs
        metrics[apps.AUGMENT_GENERATOR] = {
            s: {apps.ADDED_TOP1: added_top1[s], **{st: 50.0 + s + 5 * i for i, st in enumerate(apps.SETTINGS)}}
            for s in config.seeds
        }
        for s in config.seeds:  # the whole-split CVAE-GAN's samples would follow their label: not what is added
            metrics["CVAE-GAN"][s][apps.ADDED_TOP1] = 0.9
    return apps.ApplicationsRun(config, Runs(metrics, {}), {}, {}, num_classes=K)


def _apps_gated(run, checked=None) -> list[dict]:
    """`run`'s verdicts gated by the regime checks of `checked` (default `run`), as `save_table` does."""
    return [regime.attach(v, apps.regime_checks(checked or run, v)) for v in apps.verdicts(run)]


def test_cvae_gan_applications_guard_augmentation_by_labels_and_inpainting_by_varying_fills():
    run = _applications_run({"CVAE": {0: 0.8, 1: 0.9}, "CVAE-GAN": {0: 0.6, 1: 0.5}})
    augmentation, inpainting = _apps_gated(run)
    assert augmentation["verdict"] == "not tested" and "0.25" in augmentation["not_tested_because"]
    assert apps.AUGMENT_GENERATOR in augmentation["not_tested_because"]  # the samples added, not Table 1's G's
    assert [c["name"] for c in inpainting["regime"]] == ["the fills are not one constant output"]
    assert inpainting["regime"][0]["met"] and inpainting["verdict"] == "holds"
    measured = inpainting["regime"][0]["measurement"]
    assert "CVAE 0.85 (2 of 2 seeds ≥ 0.50), CVAE-GAN 0.55 (2 of 2 seeds ≥ 0.50)" in measured

    run = _applications_run({"CVAE": {0: 0.8, 1: 0.9}, "CVAE-GAN": {0: 0.5, 1: 0.4}})  # CVAE-GAN's mean 0.45 < 0.5
    inpainting = _apps_gated(run)[1]
    assert inpainting["verdict"] == "not tested" and inpainting["verdict_in_regime_would_be"] == "holds"
    assert "CVAE-GAN 0.45" in inpainting["not_tested_because"]
    assert _apps_gated(run, checked=_applications_run({}))[1]["verdict"] == "not tested"  # unmeasured


def test_inpainting_fill_spread_is_zero_for_a_constant_fill_and_one_for_the_truth():
    x = torch.rand(6, 1, 8, 8) * 2 - 1
    mask = apps.centre_mask(x.shape)
    constant_fill = x * (1 - mask) + mask * 0.3  # every hole painted the same
    assert regime.spread_ratio(constant_fill * mask, x * mask) == 0.0
    assert math.isclose(regime.spread_ratio(x * mask, x * mask), 1.0)


# --- alpha-GAN: critic converged, reconstructions vary --------------------------------------------


def _alpha_table(falling: str | None, spread: float, sample_is: dict[str, float] | None = None, real_is=9.0):
    config = get_profile(alpha_gan.TABLE_ID, "smoke")
    metrics = {
        m: {s: {k: 1.0 + 0.1 * i + 0.01 * s for k in alpha_gan.METRICS} for s in config.seeds}
        for i, m in enumerate(alpha_gan.METHODS)
    }
    for m in alpha_gan.METHODS:
        for s in config.seeds:
            metrics[m][s]["classifier IS"] = (sample_is or {}).get(m, 8.0) + 0.1 * s
    flat, still_falling = [1.0] * 50, [5.0 - 0.08 * i for i in range(50)]
    curves = {
        f"{m} seed {s}": {"step": list(range(1, 51)), "W": still_falling if m == falling else flat}
        for m in alpha_gan.METHODS
        for s in config.seeds
    }
    spreads = {m: {s: spread for s in config.seeds} for m in alpha_gan.RECONSTRUCTS}
    real = {} if real_is is None else {"classifier IS": real_is}
    table = alpha_gan.TableRun(
        config, Runs(metrics, {}), real, torch.zeros(0), {}, critic_held_out=curves, recon_spread=spreads
    )
    return table


def _alpha_gated(table) -> list[dict]:
    """The verdicts as `save_table` stores them: each with the regime checks `regime_checks` gives it."""
    return [regime.attach(v, alpha_gan.regime_checks(table, v)) for v in alpha_gan.verdicts(table)]


def test_alpha_gan_checks_attach_to_the_verdicts_that_read_critic_w_and_recon_l1():
    table = _alpha_table(falling=alpha_gan.RATIO_1, spread=0.05)
    out = {v["claim"]: v for v in _alpha_gated(table)}
    recon, competitive, diverse, ratio = out.values()
    assert [c["name"] for c in recon["regime"]] == [
        "the reconstructions are not one constant output",
        "the samples fall into the evaluator's classes",  # DCGAN, the baseline whose nearest sample is compared
    ]
    assert recon["regime"][1]["met"] and set(recon["regime"][1]["values"]["classifier_IS"]) == {"DCGAN"}
    assert recon["verdict"] == "not tested" and recon["regime"][0]["values"]["spread_ratio"] == {
        "alpha-GAN": [0.05, 0.05]
    }
    assert [c["name"] for c in competitive["regime"]] == ["the independent critic converged"]
    assert competitive["regime"][0]["met"] and competitive["verdict"] != "not tested"  # DCGAN, WGAN-GP, alpha-GAN flat
    assert [c["name"] for c in diverse["regime"]] == ["the samples fall into the evaluator's classes"]
    assert diverse["regime"][0]["met"] and diverse["regime"][0]["values"]["threshold"] == 5.0  # 1 + (9 − 1)/2
    assert ratio["verdict"] == "not tested" and "alpha-GAN (1:1) seed 0 Δ -0.4000" in ratio["not_tested_because"]
    json.dumps(list(out.values()), allow_nan=False)

    young = [0.001, 0.002, 0.002, 0.003, 0.004, 0.005, 0.005, 0.006, 0.007, 0.009]  # alpha-GAN's critic at smoke
    assert not regime.converged(young, alpha_gan.CRITIC_REL_TOL, alpha_gan.CRITIC_ABS_TOL)["met"]
    table = _alpha_table(falling=None, spread=0.8)
    assert all(c["met"] for v in _alpha_gated(table) for c in v["regime"])
    details = alpha_gan.regime_details(table)
    assert details["critic_converged"]["DCGAN seed 0"]["met"] and details["recon_spread_ratio"]["VAE"]["1"] == 0.8
    json.dumps(details, allow_nan=False)


def test_the_reconstruction_claim_is_not_tested_against_a_broken_dcgan():
    """Beating a baseline whose samples are not digits tests nothing (issue #28)."""
    table = _alpha_table(falling=None, spread=0.8, sample_is={"DCGAN": 3.58})  # below 1 + (9 − 1)/2 = 5
    recon = _alpha_gated(table)[0]
    assert "reconstructs" in recon["claim"] and recon["verdict"] == "not tested"
    assert "the samples do not fall into the evaluator's classes" in recon["not_tested_because"]


def test_alpha_gan_diversity_claim_needs_samples_the_evaluator_sorts_into_classes():
    table = _alpha_table(falling=None, spread=0.8, sample_is={"alpha-GAN": 4.9})  # seeds 4.9, 5.0: mean 4.95 < 5
    diverse = _alpha_gated(table)[2]
    assert "MS-SSIM" in diverse["claim"] and diverse["verdict"] == "not tested"
    assert "alpha-GAN 4.95" in diverse["not_tested_because"] and "real data 9.00" in diverse["not_tested_because"]
    assert diverse["regime"][0]["values"]["classifier_IS"] == {"DCGAN": 8.05, "alpha-GAN": 4.95}
    table = _alpha_table(falling=None, spread=0.8, sample_is={"alpha-GAN": 4.95})  # 4.95, 5.05: mean 5.0, on the line,
    check = _alpha_gated(table)[2]["regime"][0]  # but one seed of two is below it: the per-seed rule fails
    assert not check["met"] and "alpha-GAN 5.00 (1 of 2 seeds ≥ 5.00)" in check["measurement"]
    table = _alpha_table(falling=None, spread=0.8, sample_is={"alpha-GAN": 5.0})  # 5.0, 5.1: every seed meets it
    assert _alpha_gated(table)[2]["regime"][0]["met"]
    table = _alpha_table(falling=None, spread=0.8, real_is=None)  # no real-data IS: cannot say
    assert _alpha_gated(table)[2]["verdict"] == "not tested"


class _MLPCritic(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.net = torch.nn.Sequential(torch.nn.Linear(2, 32), torch.nn.ReLU(), torch.nn.Linear(32, 1))

    def forward(self, x):
        return self.net(x).squeeze(1)


@pytest.mark.parametrize("steps", [120, 7])
def test_critic_records_a_held_out_curve_without_touching_the_training_stream(steps):
    real = torch.randn(1400, 2, generator=torch.Generator().manual_seed(0))

    def shifted(n):
        return torch.randn(n, 2) + torch.tensor([4.0, 0.0])

    def run(points):
        torch.manual_seed(1)
        critic = _MLPCritic()
        return independent_critic_distance(
            real[:1000], real[1000:], shifted, steps=steps, batch_size=64, lr=1e-2, critic=critic, points=points
        )

    watched, unwatched = run(50), run(0)
    assert watched.distance == unwatched.distance and watched.curve == unwatched.curve
    assert len(watched.held_out_curve) == min(50, steps) and watched.held_out_steps[-1] == steps
    assert unwatched.held_out_curve == []
    if steps == 120:  # the critic learns the shift: its held-out W rises from near 0 towards 4
        assert watched.held_out_curve[-1] > 2.0 > watched.held_out_curve[0]
