"""MSGAN's DRIT table: the loss pieces against hand values, the cross-cycle wiring on a toy model, one
training step (what it updates and how often), mode seeking in both directions for DRIT + MS only,
the verdict/regime wiring on hand-made numbers, the profiles and the registry's cells."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn as nn

from replication.claims import regime
from replication.configs.profiles import get_profile
from replication.data.image_pairs import UnpairedData
from replication.experiments import msgan_drit as drit
from replication.metrics.label_accuracy import label_accuracy
from replication.reported import DATA_ROWS, REPORTED, reported_value
from replication.run.experiment import Runs


def test_bce_on_logits_sums_the_scales_by_hand():
    zero = [torch.zeros(2, 1, 3, 3), torch.zeros(4)]  # sigmoid(0) = ½: −log ½ per scale, whatever the target
    assert math.isclose(float(drit.bce(zero, 1.0)), 2 * math.log(2), rel_tol=1e-6)
    assert math.isclose(float(drit.bce(zero, 0.5)), 2 * math.log(2), rel_tol=1e-6)
    big = [torch.tensor([math.log(3.0)])]  # sigmoid = ¾: target 1 → −log ¾, target 0 → −log ¼
    assert math.isclose(float(drit.bce(big, 1.0)), -math.log(0.75), rel_tol=1e-6)
    assert math.isclose(float(drit.bce(big, 0.0)), -math.log(0.25), rel_tol=1e-6)


def test_the_attribute_kl_is_summed_and_the_content_term_is_a_mean_square():
    mu, logvar = torch.tensor([[1.0, 0.0]]), torch.tensor([[0.0, math.log(2.0)]])
    # −½ [(1 + 0 − 1 − 1) + (1 + ln 2 − 0 − 2)] = 1 − ln 2 / 2
    assert math.isclose(float(drit.kl_attribute(mu, logvar)), 1 - math.log(2) / 2, rel_tol=1e-6)
    doubled = drit.kl_attribute(mu.repeat(2, 1), logvar.repeat(2, 1))  # summed over the batch, not averaged
    assert math.isclose(float(doubled), 2 - math.log(2), rel_tol=1e-6)
    assert float(drit.kl_attribute(torch.zeros(3, 8), torch.zeros(3, 8))) == 0.0  # N(0, I) itself
    assert float(drit.l2_code(torch.tensor([[1.0, -3.0]]))) == 5.0


def test_the_learning_rate_is_constant_then_falls_linearly_to_zero():
    config = get_profile(drit.TABLE_ID, "paper")
    assert drit.learning_rate_factor(config, 0) == drit.learning_rate_factor(config, 122_999) == 1.0
    assert math.isclose(drit.learning_rate_factor(config, 184_500), 0.5)
    assert drit.learning_rate_factor(config, 246_000) == 0.0


class _Content(nn.Module):
    def forward(self, x, domain):
        return x


class _Attribute(nn.Module):
    def forward(self, x, domain):  # the image's mean, as a 2-d code
        return x.mean((1, 2, 3))[:, None].expand(-1, 2)


class _Generator(nn.Module):
    def forward(self, content, z, domain):  # content + the code's first entry + a domain offset
        return content + z[:, :1, None, None] + (10.0 if domain == "b" else -10.0)


def _mean(x):
    return x.mean((1, 2, 3))[:, None, None, None]


def test_the_cross_cycle_swaps_contents_and_attributes_on_a_toy_model():
    nets = {"Ec": _Content(), "Ea": _Attribute(), "G": _Generator()}
    a, b = torch.rand(2, 1, 4, 4), torch.rand(2, 1, 4, 4) + 5
    z1, z2 = torch.full((2, 2), 0.25), torch.full((2, 2), 0.75)
    f = drit.forward(nets, a, b, z1, z2, concat=False)
    torch.testing.assert_close(f.fake_a, b + _mean(a) - 10)  # G_A(content of b, attribute of a)
    torch.testing.assert_close(f.fake_b, a + _mean(b) + 10)
    torch.testing.assert_close(f.fake_aa, a + _mean(a) - 10)  # self-reconstruction G_A(c_a, z_a)
    torch.testing.assert_close(f.fake_b_random2, a + 0.75 + 10)  # G_B(c_a, z2)
    # back: G_A(content of fake_b (a's content), attribute of fake_a (a's attribute))
    torch.testing.assert_close(f.recon_a, f.fake_b + _mean(f.fake_a) - 10)
    torch.testing.assert_close(f.recon_b, f.fake_a + _mean(f.fake_b) + 10)
    torch.testing.assert_close(f.regressed_a, (b + 0.25 - 10).mean((1, 2, 3))[:, None].expand(-1, 2))


def _tiny_data(n: int = 16) -> UnpairedData:
    torch.manual_seed(0)
    a, b = torch.rand(n, 1, 32, 32) * 2 - 1, torch.rand(n, 1, 32, 32) * 2 - 1
    return UnpairedData("colour-thin-thick", "thin", "thick", a, b, a[:4], b[:4])


def _one_step(method: str, concat: bool = True):
    config = get_profile(drit.TABLE_ID, "smoke")
    config = type(config)(**{**config.__dict__, "concat": concat})
    data = _tiny_data()
    nets, optimizers = drit.build(config, data, torch.device("cpu"), 0)
    before = {k: [p.detach().clone() for p in net.parameters()] for k, net in nets.items()}
    sample_a = drit.DomainSampler(data.train_a, config.batch_size, config.crop_size, config.flip)
    sample_b = drit.DomainSampler(data.train_b, config.batch_size, config.crop_size, config.flip)
    losses = drit.make_step(config, nets, optimizers, sample_a, sample_b, drit.lambda_ms_for(method, config))(0)
    return config, nets, optimizers, before, losses


@pytest.mark.parametrize("method", drit.METHODS)
@pytest.mark.parametrize("concat", [True, False])
def test_one_step_updates_every_net_in_the_official_counts_and_returns_finite_losses(method, concat):
    config, nets, optimizers, before, losses = _one_step(method, concat)
    assert all(torch.isfinite(v).all() for v in losses.values()), losses
    assert {"d_loss", "d_content", "g_gan", "cycle_l1", "self_l1", "kl", "latent_l1", "ms_ratio_ab"} <= set(losses)
    for key, net in nets.items():
        assert any(not torch.equal(p, q) for p, q in zip(before[key], net.parameters(), strict=True)), key
    steps = {k: max(int(s["step"]) for s in optimizers[k].state.values()) for k in optimizers}
    # D_c: d_iter − 1 content-only updates and one in the full update; the domain D's once;
    # E_a once (backward_EG), E_c and G twice (backward_EG, then backward_G_alone)
    assert steps == {"Dc": config.d_iter, "DA": 1, "DB": 1, "DA2": 1, "DB2": 1, "Ea": 1, "Ec": 2, "G": 2}
    lrs = {k: o.param_groups[0]["lr"] for k, o in optimizers.items()}
    assert lrs["Dc"] == pytest.approx(config.lr / 2.5) and lrs["G"] == config.lr


def test_mode_seeking_is_in_the_loss_of_drit_ms_only_and_in_both_directions():
    config = get_profile(drit.TABLE_ID, "smoke")
    data = _tiny_data()
    nets, _ = drit.build(config, data, torch.device("cpu"), 0)
    torch.manual_seed(1)
    z1, z2 = torch.randn(4, config.nz), torch.randn(4, config.nz)
    f = drit.forward(nets, data.train_a[:4], data.train_b[:4], z1, z2, config.concat)
    without, _ = drit.random_attribute_loss(nets, f, config, drit.lambda_ms_for(drit.BASELINE, config))
    with_ms, _ = drit.random_attribute_loss(nets, f, config, drit.lambda_ms_for(drit.MODE_SEEKING, config))
    ms_ab, ms_ba = drit.mode_seeking_terms(f)
    torch.testing.assert_close(with_ms - without, ms_ab + ms_ba)
    ratio_ab = (f.fake_b_random2 - f.fake_b_random).abs().mean() / (z2 - z1).abs().mean()
    torch.testing.assert_close(ms_ab, 1 / (ratio_ab + 1e-5))  # A→B: G_B(c_a, z1|z2), the official lz_AB
    # each term reaches its own direction's decoder only
    decoder = {d: list(nets["G"].blocks[d].parameters()) for d in ("a", "b")}
    grad_ab = torch.autograd.grad(ms_ab, decoder["a"] + decoder["b"], retain_graph=True, allow_unused=True)
    grad_ba = torch.autograd.grad(ms_ba, decoder["a"] + decoder["b"], allow_unused=True)
    n = len(decoder["a"])

    def reached(grads):
        return any(g is not None and g.abs().sum() > 0 for g in grads)

    assert reached(grad_ab[n:]) and not reached(grad_ab[:n])
    assert reached(grad_ba[:n]) and not reached(grad_ba[n:])


def test_the_training_crops_and_flips_and_the_evaluation_crops_the_centre():
    torch.manual_seed(0)
    x = torch.arange(2 * 6 * 6, dtype=torch.float32).view(2, 1, 6, 6)
    assert torch.equal(drit.center_crop(x, 4), x[..., 1:5, 1:5])
    crops = drit.augment(x, 4, flip=True)
    assert crops.shape == (2, 1, 4, 4)
    for crop, image in zip(crops, x, strict=True):  # each crop is a window of its own image, maybe mirrored
        windows = [image[:, t : t + 4, u : u + 4] for t in range(3) for u in range(3)]
        assert any(torch.equal(crop, w) or torch.equal(crop, w.flip(-1)) for w in windows)
    assert torch.equal(drit.augment(x, 6, flip=False), x)


class _L1Distance:
    name = "mean absolute difference (test)"

    def distance(self, a, b):
        return (a - b).abs().flatten(1).mean(1)


def test_translations_are_deterministic_and_the_domains_diversity_pairs_disjoint_images():
    config = get_profile(drit.TABLE_ID, "smoke")
    nets, _ = drit.build(config, _tiny_data(), torch.device("cpu"), 0)
    nets = {k: nets[k].eval() for k in ("Ec", "Ea", "G")}
    inputs = torch.rand(3, 1, 32, 32)
    first = drit.translate(nets, inputs, "A→B", config.nz, outputs=3, seed=5)
    assert first.shape == (3, 3, 1, 32, 32) and torch.equal(first, drit.translate(nets, inputs, "A→B", 8, 3, 5))
    images = torch.arange(4, dtype=torch.float32).view(4, 1, 1, 1)  # pairwise |i − j|
    order = torch.randperm(4, generator=torch.Generator().manual_seed(drit.REAL_PAIRS_SEED))
    expected = (order[:2] - order[2:]).abs().float().mean()
    assert math.isclose(drit.domain_diversity(images, _L1Distance()), float(expected))
    assert sorted(drit.eval_indices(10, 10).tolist()) == list(range(10))


def _table(baseline: dict[str, list[float]], ms: dict[str, list[float]], real: dict[str, float]) -> drit.TableRun:
    n = len(baseline["A→B"])
    config = get_profile(drit.TABLE_ID, "smoke", seeds=n)

    def metrics(values, fid, ndb, jsd):
        return {
            s: {
                name: value
                for d in drit.DIRECTIONS
                for name, value in (
                    (drit.metric_name("FID", d), fid + 0.01 * s),
                    (drit.metric_name(drit.DIVERSITY, d), values[d][s]),
                    (drit.metric_name("NDB", d), ndb + 0.1 * s),
                    (drit.metric_name("JSD", d), jsd + 0.001 * s),
                )
            }
            for s in range(n)
        }

    table_metrics = {drit.BASELINE: metrics(baseline, 10.0, 5.0, 0.2), drit.MODE_SEEKING: metrics(ms, 10.1, 2.0, 0.1)}
    return drit.TableRun(config, Runs(table_metrics, {}), {}, real, {})


def _gated(table: drit.TableRun) -> list[dict]:
    """The verdicts as the notebook saves them: each gated by its direction's regime checks (`save_table`)."""
    return [regime.attach(v, drit.regime_checks(table, v)) for v in drit.verdicts(table)]


def test_each_direction_has_its_verdict_and_is_tested_only_when_drit_is_less_diverse_than_its_target_domain():
    table = _table(
        {"A→B": [0.01, 0.012, 0.011], "B→A": [0.35, 0.36, 0.34]},
        {"A→B": [0.2, 0.21, 0.23], "B→A": [0.5, 0.52, 0.51]},
        {"A→B": 0.3, "B→A": 0.3},
    )
    ab, ba = _gated(table)
    assert (ab["direction"], ba["direction"]) == ("A→B", "B→A")
    assert ab["regime"][0]["met"] and ab["verdict"] == "holds"
    assert [p["metric"] for p in ab["parts"]] == [drit.metric_name(m, "A→B") for m in drit.BASE_METRICS[1:]] + [
        "FID (A→B)"
    ]
    assert "A→B (thin→thick)" in ab["claim"] and "B→A (thick→thin)" in ba["claim"]
    assert ba["verdict"] == "not tested" and ba["verdict_in_regime_would_be"] == "holds"  # DRIT already as diverse
    assert "DRIT" in ba["not_tested_because"] and "LPIPS diversity (B→A)" in ba["not_tested_because"]
    rows = drit.result_rows(table)
    assert {(r["method"], r["metric"]) for r in rows} >= {
        (drit.REAL, "LPIPS diversity (A→B)"),
        (drit.REAL, "LPIPS diversity (B→A)"),
        (drit.BASELINE, "FID (B→A)"),
        (drit.MODE_SEEKING, "JSD (A→B)"),
    }


def test_profiles_accept_the_unpaired_sets_and_keep_their_classifier():
    cpu = get_profile(drit.TABLE_ID, "cpu", dataset="yosemite")
    assert cpu.dataset == "yosemite" and cpu.extractor == "classifier:colormnist"  # never classifier:yosemite
    cat = get_profile(drit.TABLE_ID, "paper", dataset="cat2dog")
    assert not cat.concat and cat.steps == 273_600 and cat.extractor == "inception-v3-fid"
    paper = get_profile(drit.TABLE_ID, "paper")
    assert (paper.crop_size, paper.batch_size, paper.lr, paper.d_iter, paper.concat) == (216, 2, 1e-4, 3, True)
    with pytest.raises(ValueError, match="Unknown unpaired data set 'facades'.*colour-thin-thick, yosemite, cat2dog"):
        get_profile(drit.TABLE_ID, "cpu", dataset="facades")
    smoke, cpu = get_profile(drit.TABLE_ID, "smoke"), get_profile(drit.TABLE_ID, "cpu")
    assert smoke.steps < cpu.steps < get_profile(drit.TABLE_ID, "gpu").steps < paper.steps
    assert len(cpu.seeds) == 5 and len(get_profile(drit.TABLE_ID, "gpu").seeds) == 3


def test_the_registry_holds_both_rows_every_direction_and_sources_them_as_secondary():
    assert [r.dataset for r in DATA_ROWS[drit.TABLE_ID]] == ["yosemite", "cat2dog"]
    cells = [e for e in REPORTED if e.table_id == drit.TABLE_ID]
    assert len(cells) == 2 * 2 * 2 * 4  # rows × directions × methods × metrics
    assert {(e.method, e.metric) for e in cells} == {(m, k) for m in drit.METHODS for k in drit.METRICS}
    assert all(e.mark == "S" and e.value is not None and e.spread is not None for e in cells)
    assert all("MCL-GAN" in e.source and "DRIT++" in e.source for e in cells)
    summer_to_winter = reported_value(drit.TABLE_ID, "DRIT", "FID (A→B)", "yosemite")
    assert (summer_to_winter.value, summer_to_winter.spread) == (57.24, 2.03)
    assert "Summer→Winter" in summer_to_winter.note and "DivCo/issues/2" in summer_to_winter.source
    dog_to_cat = reported_value(drit.TABLE_ID, "DRIT + MS", "LPIPS diversity (B→A)", "cat2dog")
    assert (dog_to_cat.value, dog_to_cat.spread, dog_to_cat.dataset) == (0.214, 0.001, "Cat↔Dog")
    assert reported_value(drit.TABLE_ID, "DRIT", "NDB (B→A)", "colour-thin-thick").dataset == "Yosemite"  # main row


class _OneHotEvaluator:
    """An evaluator whose 'classifier' reads the class off the first pixel: class = round(x[0, 0, 0] * 10)."""

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        return nn.functional.one_hot(x[:, 0, 0, 0].mul(10).round().long().clamp(0, 9), 10).float()


def test_content_kept_counts_the_outputs_classified_as_their_inputs_class():
    labels = torch.tensor([3, 7])
    outputs = torch.zeros(4, 2, 1, 2, 2)  # [M outputs, N inputs, C, H, W]
    outputs[:, 0, 0, 0, 0] = torch.tensor([0.3, 0.3, 0.3, 0.5])  # input 0: 3 of 4 kept
    outputs[:, 1, 0, 0, 0] = torch.tensor([0.7, 0.1, 0.1, 0.1])  # input 1: 1 of 4 kept
    assert label_accuracy(_OneHotEvaluator(), outputs, labels) == pytest.approx(4 / 8)


def _with_content(table: drit.TableRun, kept: dict[str, float]) -> drit.TableRun:
    for method, share in kept.items():
        for s, scores in table.runs.metrics[method].items():
            for d in drit.DIRECTIONS:
                scores[drit.metric_name(drit.CONTENT, d)] = share + 0.01 * s
    return table


def test_where_the_domains_have_classes_a_translation_must_keep_its_input_class_first():
    diverse = (
        {"A→B": [0.01, 0.012, 0.011], "B→A": [0.01, 0.012, 0.011]},
        {"A→B": [0.2, 0.21, 0.23], "B→A": [0.5, 0.52, 0.51]},
    )
    real = {"A→B": 0.3, "B→A": 0.3}
    kept = _with_content(_table(*diverse, real), {drit.BASELINE: 0.90, drit.MODE_SEEKING: 0.92})
    for verdict in _gated(kept):
        assert [c["met"] for c in verdict["regime"]] == [True, True] and verdict["verdict"] == "holds"
        assert "keep the input's class" in verdict["regime"][0]["name"]
        assert verdict["parts"][-1]["metric"].startswith(drit.CONTENT) and verdict["parts"][-1]["verdict"] == "holds"
    # a working DRIT and an MS that forgets the input's digit: no gate fails (MS is not gated), the claim does not hold
    forgets = _with_content(_table(*diverse, real), {drit.BASELINE: 0.90, drit.MODE_SEEKING: 0.30})
    for verdict in _gated(forgets):
        assert all(c["met"] for c in verdict["regime"]) and verdict["verdict"] == "does not hold"
        assert verdict["parts"][-1]["verdict"] == "does not hold" and verdict["parts"][0]["verdict"] == "holds"
    lost = _with_content(_table(*diverse, real), {drit.BASELINE: 0.10, drit.MODE_SEEKING: 0.80})
    ab, _ = _gated(lost)
    assert ab["verdict"] == "not tested" and ab["verdict_in_regime_would_be"] == "holds"
    assert "DRIT 0.11" in ab["not_tested_because"] and "chance 0.10" in ab["not_tested_because"]
    rows = {(r["method"], r["metric"]) for r in drit.result_rows(lost)}
    assert (drit.BASELINE, "content kept (A→B)") in rows  # the measurement is saved with the results
    plain = _table(*diverse, real)  # no classes (Yosemite, cat2dog): the diversity check alone
    assert [len(v["regime"]) for v in _gated(plain)] == [1, 1]


def test_a_drit_that_draws_no_data_is_no_baseline_and_mode_seekings_precision_is_not_gated():
    """Precision gate per direction: halfway from an untrained DRIT's 0.0 to the held-out images' 0.9 is 0.45."""
    diverse = (
        {"A→B": [0.01, 0.012, 0.011], "B→A": [0.01, 0.012, 0.011]},
        {"A→B": [0.2, 0.21, 0.23], "B→A": [0.5, 0.52, 0.51]},
    )
    table = _table(*diverse, {"A→B": 0.3, "B→A": 0.3})
    table.real_precision, table.untrained_precision = {"A→B": 0.9, "B→A": 0.9}, {"A→B": 0.0, "B→A": 0.0}
    for method, values in ((drit.BASELINE, {"A→B": 0.8, "B→A": 0.3}), (drit.MODE_SEEKING, {"A→B": 0.1, "B→A": 0.1})):
        for s, scores in table.runs.metrics[method].items():
            for d, value in values.items():
                scores[drit.metric_name(drit.PRECISION, d)] = value + 0.01 * s
    ab, ba = _gated(table)
    assert "(A→B) are data" in ab["regime"][0]["name"] and ab["regime"][0]["met"]  # MS's 0.1 is evidence, not a gate
    assert not ba["regime"][0]["met"] and ba["verdict"] == "not tested"
    assert "not recognisable data" in ba["not_tested_because"]
    rows = {(r["method"], r["metric"]) for r in drit.result_rows(table)}
    assert {(drit.REAL, "precision (A→B)"), (drit.BASELINE, "precision (B→A)")} <= rows
    # an instrument with no scale (an untrained DRIT scores as high as the held-out images): never met, and says why
    table.untrained_precision = {"A→B": 0.95, "B→A": 0.0}
    ab, _ = _gated(table)
    assert not ab["regime"][0]["met"] and "cannot tell" in ab["not_tested_because"]
