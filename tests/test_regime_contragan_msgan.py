"""Regime checks of ContraGAN (labels used, D overfits) and MSGAN (the baseline collapses): the
same-class L1 diversity on hand-made images, the growth rule on hand-computed intervals, and the
verdict lists the two experiments save, built from constructed TableRuns."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
import torch

from replication.claims import regime
from replication.configs.profiles import get_profile
from replication.experiments import contragan, msgan
from replication.metrics.diversity import same_class_l1_diversity
from replication.run.experiment import Runs


def _images(rows_in_unit_range):
    """1×2×2 images given in [0, 1] as flat lists → the [-1, 1] tensors the metric takes."""
    return torch.tensor(rows_in_unit_range, dtype=torch.float32).view(-1, 1, 2, 2) * 2 - 1


def test_same_class_l1_diversity_is_the_mean_pixel_distance_of_distinct_same_label_pairs():
    images = _images(
        [
            [0, 0, 0, 0],  # class 0: two images, every pixel differs by 1 (2 in [-1, 1])
            [1, 1, 1, 1],
            [0, 0, 0, 0],  # class 1: three images, distances a–b 0.5, b–c 0.5, a–c 1 → mean 2/3
            [1, 1, 0, 0],
            [1, 1, 1, 1],
            [0, 0, 0, 0],  # class 2: two images differing on one pixel of four → 0.25
            [0, 0, 0, 1],
        ]
    )
    labels = torch.tensor([0, 0, 1, 1, 1, 2, 2])
    mean, per_class = same_class_l1_diversity(images, labels, pairs=20_000, seed=3)
    assert per_class[0] == pytest.approx(1.0, abs=1e-6)  # in [0, 1], and never an image with itself
    assert per_class[2] == pytest.approx(0.25, abs=1e-6)
    assert per_class[1] == pytest.approx(2 / 3, abs=0.01)  # random pairs: the mean of the three
    assert mean == pytest.approx((1.0 + per_class[1] + 0.25) / 3, abs=1e-6)
    # a fixed seed gives the same pairs; a shuffled order of the classes changes nothing per class
    order = torch.tensor([6, 0, 4, 2, 5, 1, 3])
    assert same_class_l1_diversity(images, labels, 20_000, 3) == (mean, per_class)
    assert same_class_l1_diversity(images[order], labels[order], 50, 3)[1][0] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="class 3 has 1 image"):
        same_class_l1_diversity(images[:3], torch.tensor([0, 0, 3]))


def test_growth_needs_the_whole_seed_paired_interval_above_zero():
    grows = regime.grows_over_training("the gap", [0.1, 0.1, 0.1], [0.4, 0.6, 0.5])
    # late − early = 0.3, 0.5, 0.4: mean 0.4, sd 0.1, t(0.975, 2) = 4.3027 → low 0.4 − 0.2484
    assert grows.met and grows.values["ci_low"] == pytest.approx(0.4 - 4.302653 * 0.1 / 3**0.5, abs=1e-5)
    assert grows.name == "the gap grows over training" and "Δ +0.4000" in grows.measurement
    noisy = regime.grows_over_training("the gap", [0.1, 0.1, 0.1], [0.4, 0.0, 0.5])  # mean +0.2, low < 0
    shrinks = regime.grows_over_training("the gap", [0.5, 0.6, 0.5], [0.1, 0.2, 0.1])
    one_seed = regime.grows_over_training("the gap", [0.1], [0.9])
    assert not noisy.met and not shrinks.met and not one_seed.met and "one seed" in one_seed.measurement
    json.dumps([c.as_dict() for c in (grows, noisy, shrinks, one_seed)], allow_nan=False)


def test_gap_growth_reads_the_probed_steps_after_the_first():
    # probe_every 2 over 10 steps: probes at 0, 2, 4, 6, 8; odd steps hold junk that must be ignored
    train = [9.0, -5, 1.0, -5, 2.0, -5, 3.0, -5, 5.0, -5]
    held = [0.0, 7, 0.5, 7, 0.5, 7, 0.5, 7, 0.5, 7]
    history = {"D(train)": train, "D(held-out)": held}
    assert contragan.probed_gaps(history, 2) == [9.0, 0.5, 1.5, 2.5, 4.5]
    assert contragan.gap_growth(history, 2) == (0.5, 4.5)  # 4 probes after the first: quarters of one
    long = {"D(train)": [float(i) for i in range(17)], "D(held-out)": [0.0] * 17}  # probes 0..16: 16 after
    assert contragan.gap_growth(long, 1) == (2.5, 14.5)  # mean of 1..4 and of 13..16
    with pytest.raises(ValueError, match="growth needs 2"):
        contragan.gap_growth({"D(train)": [1.0, 2.0, 3.0], "D(held-out)": [0.0] * 3}, 2)


def _contragan_table(table_id, metrics, histories=None, methods=None):
    config = get_profile(table_id, "smoke")
    if methods is not None:
        config = replace(config, methods=tuple(methods))
    return contragan.TableRun(config, Runs(metrics, histories or {}), {}, 10)


def _contragan_saved(table_id, table, verdicts):
    """The verdicts as `run_and_save` saves them (`save_table`): each gated by its regime checks."""
    return [regime.attach(v, contragan.regime_checks(table_id, table, v)) for v in verdicts]


def _metrics(values: dict[str, tuple[list[float], list[float]]]) -> dict:
    """method → (FIDs, label accuracies) per seed 0, 1 → metrics[method][seed]."""
    return {m: {s: {"FID": fid[s], "label accuracy": acc[s]} for s in (0, 1)} for m, (fid, acc) in values.items()}


def test_contragan_table1_verdicts_are_saved_with_a_labels_check_over_their_backbones_methods():
    metrics = _metrics(
        {
            "SNDCGAN + ACGAN": ([30, 31], [0.90, 0.92]),
            "SNDCGAN + projection": ([32, 33], [0.20, 0.30]),  # ignores its labels
            "SNDCGAN + 2C": ([20, 21], [0.95, 0.96]),
            "BigGAN + ACGAN": ([30, 31], [0.90, 0.92]),
            "BigGAN + projection": ([32, 33], [0.70, 0.72]),
            # 2 seeds, four parts: each part's p must survive Holm, so the seeds agree closely
            "BigGAN + 2C": ([20, 20.5], [0.95, 0.96]),
        }
    )
    table = _contragan_table(contragan.TABLE1, metrics, methods=list(metrics))
    saved = _contragan_saved(contragan.TABLE1, table, contragan.verdicts_table1(table))
    sndcgan, biggan = saved
    # the rivals are gated (working conditional baselines); 2C's own label accuracy is a part of the claim
    assert set(sndcgan["regime"][0]["values"]["label_accuracy"]) == {"SNDCGAN + ACGAN", "SNDCGAN + projection"}
    assert [p["metric"] for p in biggan["parts"]] == ["FID", "FID", "label accuracy", "label accuracy"]
    assert sndcgan["verdict"] == "not tested" and sndcgan["verdict_in_regime_would_be"] == "holds"
    assert "SNDCGAN + projection 0.25" in sndcgan["not_tested_because"]
    assert biggan["regime"][0]["met"] and biggan["verdict"] == "holds"
    assert biggan["regime"][0]["values"]["label_accuracy"]["BigGAN + projection"] == pytest.approx(0.71)
    json.dumps(saved, allow_nan=False)
    # a claim comparing a method that did not run has no check: it keeps its verdict as the verdict function gave it
    metrics["BigGAN + 2C"] = {}
    not_run = {"claim": "x", "verdict": "not run", "parts": [{"method_a": "BigGAN + ACGAN", "method_b": "BigGAN + 2C"}]}
    assert contragan.regime_checks(contragan.TABLE1, table, not_run) == []
    assert _contragan_saved(contragan.TABLE1, table, [not_run]) == [{**not_run, "regime": []}]


def test_a_2c_generator_that_draws_the_wrong_digit_for_its_label_does_not_hold_against_working_rivals():
    """#24: at the cpu scale 2C can learn a label permutation (each label one consistent, wrong digit): its pooled
    FID can beat the rivals', but it is no better conditional generator. The rivals use their labels (the claim
    is tested) and 2C's label accuracy part does not hold, so the claim does not hold."""
    metrics = _metrics(
        {
            "SNDCGAN + ACGAN": ([30, 31], [0.90, 0.92]),
            "SNDCGAN + projection": ([32, 33], [0.80, 0.84]),
            "SNDCGAN + 2C": ([20, 20.5], [0.10, 0.12]),
        }
    )
    table = _contragan_table(contragan.TABLE1, metrics, methods=list(metrics))
    (saved,) = _contragan_saved(contragan.TABLE1, table, contragan.verdicts_table1(table))
    assert saved["regime"][0]["met"]
    labels = [p for p in saved["parts"] if p["metric"] == "label accuracy"]
    assert [p["verdict"] for p in labels] == ["does not hold", "does not hold"]
    assert [p["claim"] for p in labels] == ["not lower", "not lower"]
    assert saved["verdict"] == "does not hold"


def test_contragan_table2_checks_the_methods_of_each_claim_only():
    metrics = _metrics(
        {
            "SNResGAN": ([30, 31], [0.20, 0.25]),  # below the threshold: only claim 2 compares it
            "SAGAN": ([30, 31], [0.90, 0.92]),
            "BigGAN": ([32, 33], [0.70, 0.74]),
            "ContraGAN": ([20, 21], [0.80, 0.85]),
            "ContraGAN + CR": ([19, 20], [0.80, 0.85]),
        }
    )
    table = _contragan_table(contragan.TABLE2, metrics)
    saved = _contragan_saved(contragan.TABLE2, table, contragan.verdicts_table2(table))
    checked = [set(v["regime"][0]["values"]["label_accuracy"]) for v in saved]
    assert checked == [{"BigGAN"}, {"SNResGAN", "SAGAN"}, {"ContraGAN"}]  # each claim's rivals
    assert [v["verdict"] for v in saved] == ["holds", "not tested", "holds"]


def _history(gaps_at_probes, probe_every=2):
    train = [g for g in gaps_at_probes for _ in range(probe_every)]
    return {"D(train)": train, "D(held-out)": [0.0] * len(train)}


def test_contragan_overfitting_verdict_is_saved_with_the_baselines_gap_growth():
    gaps = {"2C": [0.0, 0.1, 0.1, 0.1, 0.1], "projection": [0.0, 0.1, 0.2, 0.3, 0.5]}
    metrics = {m: {s: {contragan.GAP_METRIC: sum(g[3:]) / 2 + 0.01 * s} for s in (0, 1)} for m, g in gaps.items()}
    histories = {f"{m} seed {s}": _history([v + 0.02 * s * i for i, v in enumerate(g)]) for m, g in gaps.items()
                 for s in (0, 1)}  # fmt: skip
    table = _contragan_table(contragan.OVERFITTING, metrics, histories)
    (saved,) = _contragan_saved(contragan.OVERFITTING, table, contragan.verdicts_overfitting(table))
    (check,) = saved["regime"]
    assert check["name"].startswith("the baseline's (projection's) D train/held-out gap grows")
    assert check["values"]["early"] == pytest.approx([0.1, 0.12]) and check["values"]["late"] == pytest.approx(
        [0.5, 0.58]
    )
    assert check["met"] and saved["verdict"] == contragan.verdicts_overfitting(table)[0]["verdict"]
    flat = {k: _history([0.0, 0.3, 0.2, 0.3, 0.2]) for k in histories}  # the gap does not grow
    table = _contragan_table(contragan.OVERFITTING, metrics, flat)
    (saved,) = _contragan_saved(contragan.OVERFITTING, table, contragan.verdicts_overfitting(table))
    assert (
        saved["verdict"] == "not tested"
        and "gap does not grow over training at this budget" in saved["not_tested_because"]
    )


def _msgan_table(dcgan_diversity):
    config = get_profile(msgan.TABLE_ID, "smoke")
    per_class = {"0": {"FID": 1.0, "NDB": 1.0, "JSD": 0.1, msgan.DIVERSITY: 0.2}}
    metrics = {
        method: {
            s: {"FID": 10.0 + s, "NDB": ndb + s, "JSD": 0.1 * ndb + s, msgan.DIVERSITY: div[s], "per_class": per_class}
            for s in (0, 1)
        }
        for method, ndb, div in (("DCGAN", 4.0, dcgan_diversity), ("MSGAN", 2.0, [0.22, 0.23]))
    }
    for by_seed in metrics.values():
        for values in by_seed.values():
            values.update({"FID (pooled)": 1.0, "NDB (pooled)": 1.0, "JSD (pooled)": 0.1})
    return msgan.TableRun(config, Runs(metrics, {}), {}, (0.186, {0: 0.18, 1: 0.192}))


def _msgan_saved(table: msgan.TableRun) -> list[dict]:
    """The verdicts as the notebook saves them: each with the table's regime checks."""
    return [regime.attach(v, msgan.regime_checks(table)) for v in msgan.verdicts(table)]


def test_msgan_verdicts_are_saved_with_the_collapse_check_and_the_real_datas_diversity():
    collapsed = _msgan_table([0.10, 0.101])
    (saved,) = _msgan_saved(collapsed)
    (check,) = saved["regime"]
    assert check["met"] and check["values"]["real"] == [0.186, 0.186] and check["values"]["model"] == [0.10, 0.101]
    assert saved["verdict"] == msgan.verdicts(collapsed)[0]["verdict"] and "not_tested_because" not in saved
    as_diverse = _msgan_table([0.18, 0.20])
    (saved,) = _msgan_saved(as_diverse)
    assert saved["verdict"] == "not tested"
    assert regime.verdict_text(saved).startswith(
        "not tested: the baseline (DCGAN) is not less diverse than the real data at this budget ("
    )
    json.dumps(saved, allow_nan=False)
    # the real value is a row of its own and a per-class column beside the methods'
    real_row = next(r for r in msgan.result_rows(collapsed) if r["method"] == msgan.REAL)
    assert real_row["metric"] == msgan.DIVERSITY and real_row["values"] == [0.186, 0.186]
    assert msgan.per_class_details(collapsed)[msgan.REAL] == {
        "0": {msgan.DIVERSITY: [0.18]},
        "1": {msgan.DIVERSITY: [0.192]},
    }


def test_msgan_table1_gates_a_dcgan_that_draws_no_data_or_ignores_its_labels():
    """Issue #29: the baseline must work — its samples are data (precision halfway from an untrained G's 0.0 to
    the held-out images' 0.8, i.e. 0.4) and follow their label (≥ 0.55), on every seed — before collapse counts."""
    cases = (
        ((0.7, 0.6), (0.9, 0.8), True),
        ((0.7, 0.3), (0.9, 0.8), False),  # seed 1 draws no data
        ((0.7, 0.6), (0.9, 0.2), False),  # seed 1 ignores its labels
    )
    for precision, accuracy, tested in cases:
        table = _msgan_table([0.10, 0.101])
        table.real_precision, table.untrained_precision = 0.8, 0.0
        for s in (0, 1):
            table.metrics["DCGAN"][s].update({msgan.PRECISION: precision[s], msgan.LABELS: accuracy[s]})
            table.metrics["MSGAN"][s].update({msgan.PRECISION: 0.1, msgan.LABELS: 0.1})  # evidence, never a gate
        (saved,) = _msgan_saved(table)
        names = [c["name"] for c in saved["regime"]]
        assert names == [
            "the outputs are data (inside the real data's feature manifold)",
            "the baseline's samples follow their label",
            "the baseline (DCGAN) is less diverse than the real data",
        ]
        assert saved["regime"][0]["values"]["threshold"] == pytest.approx(0.4)
        assert (saved["verdict"] != "not tested") == tested
        rows = {(r["method"], r["metric"]) for r in msgan.result_rows(table)}
        assert {("DCGAN", msgan.PRECISION), ("MSGAN", msgan.LABELS), (msgan.REAL, msgan.PRECISION)} <= rows
