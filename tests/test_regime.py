import json

import pytest

from replication.claims import regime


def _verdict(value="holds"):
    return {"claim": "B beats A", "rule": "paired t", "verdict": value, "parts": []}


def test_a_failed_precondition_turns_any_verdict_into_not_tested_with_its_measurement():
    check = regime.uses_labels({"A": [0.10, 0.12], "B": [0.90, 0.95]}, num_classes=10)
    assert not check.met and check.values["threshold"] == 0.55
    out = regime.attach(_verdict("holds"), [check])
    assert out["verdict"] == "not tested" and out["verdict_in_regime_would_be"] == "holds"
    text = regime.verdict_text(out)
    assert text.startswith("not tested: the conditional generators do not all use their labels at this budget (")
    assert "A 0.11" in text and text == f"not tested: {out['not_tested_because']}"
    json.dumps(out, allow_nan=False)  # stored in the results file as it is


def test_a_check_without_its_failure_sentence_still_reads_as_a_sentence():
    # a results file written before checks had `failed`: its stored reason was assembled from the name
    check = regime.uses_labels({"A": [0.10, 0.12], "B": [0.90, 0.95]}, num_classes=10).as_dict()
    del check["failed"]
    old = {
        **_verdict("not tested"),
        "regime": [check],
        "not_tested_because": f"{check['name']} does not hold at this budget ({check['measurement']})",
    }
    text = regime.verdict_text(old)
    assert text.startswith("not tested: precondition not met at this budget: the conditional generators use their")
    assert "does not hold at this budget" not in text and "A 0.11" in text
    built = regime.RegimeCheck(name="the data are here", met=False, measurement="none", rule="any")
    assert regime.failure_text(built) == "precondition not met at this budget: the data are here (none)"
    # no checks stored at all: the stored reason as it is
    assert regime.verdict_text({**_verdict("not tested"), "not_tested_because": "why"}) == "not tested: why"


def test_a_met_precondition_keeps_the_verdict_and_records_the_check():
    check = regime.uses_labels({"A": [0.60, 0.70], "B": [0.90, 0.95]}, num_classes=10)
    out = regime.attach(_verdict("does not hold"), [check])
    assert check.met and out["verdict"] == "does not hold" and out["regime"][0]["met"] is True
    assert regime.verdict_text(out) == "does not hold"


def test_a_one_seed_verdict_stays_inconclusive_whatever_its_checks_say():
    one_seed = regime.less_diverse_than_data("DCGAN", [0.10], 0.186, "L1")
    out = regime.attach(_verdict("inconclusive (one seed)"), [one_seed])
    assert out["verdict"] == "inconclusive (one seed)" and "not_tested_because" not in out
    assert out["regime"][0]["met"] is False and regime.verdict_text(out) == "inconclusive (one seed)"


def test_collapse_check_needs_the_whole_interval_below_the_data():
    collapsed = regime.less_diverse_than_data("DCGAN", [0.10, 0.11, 0.12], [0.186] * 3, "L1")
    near = regime.less_diverse_than_data("DCGAN", [0.17, 0.19, 0.18], [0.186] * 3, "L1")
    one_seed = regime.less_diverse_than_data("DCGAN", [0.10], 0.186, "L1")
    assert collapsed.met and not near.met and not one_seed.met
    json.dumps([c.as_dict() for c in (collapsed, near, one_seed)], allow_nan=False)


def test_a_gate_that_a_minority_of_seeds_carries_on_the_mean_fails():
    # CVAE-GAN's fill spread at cpu: mean 0.555 ≥ 0.5, but 3 of 5 seeds below 0.5 → not met
    check = regime.per_seed_check(
        "fills vary", "spread", {"CVAE-GAN": [0.9, 0.8, 0.45, 0.33, 0.3]}, 0.5, "spread ≥ 0.5"
    )
    assert not check.met and "CVAE-GAN 0.56 (2 of 5 seeds ≥ 0.50)" in check.measurement
    assert check.values["seeds_meeting"] == {"CVAE-GAN": 2} and "every seed" in check.rule
    # label accuracy: A's mean 0.59 ≥ 0.55 is carried by 2 of its 5 seeds → not met (the mean rule passed it)
    labels = regime.uses_labels({"A": [0.95, 0.95, 0.35, 0.35, 0.35], "B": [0.9] * 5}, num_classes=10)
    assert not labels.met and labels.values["label_accuracy"]["A"] == pytest.approx(0.59)
    assert regime.uses_labels({"A": [0.56, 0.6], "B": [0.9, 0.95]}, num_classes=10).met


def test_converged_tolerates_the_curves_own_noise():
    # windows of 5: previous (1, 3, 1, 3, 1) mean 1.8, last (3, 1, 3, 1, 3) mean 2.2: Δ 0.4 > 5 % of 2.2 = 0.11;
    # each window's sum of squares about its mean is 4.8, pooled variance 9.6 / 8 = 1.2, so the noise term is
    # 2·√1.2·√(2/5) ≈ 1.386 ≥ 0.4: a move this noisy a curve cannot tell from flat
    noisy = [2.0] * 40 + [1.0, 3.0, 1.0, 3.0, 1.0] + [3.0, 1.0, 3.0, 1.0, 3.0]
    out = regime.converged(noisy)
    assert out["met"] and out["noise"] == pytest.approx(2 * 1.2**0.5 * (2 / 5) ** 0.5)
    assert out["tolerance"] == out["noise"] and out["change"] == pytest.approx(0.4)
    assert not regime.converged(noisy, noise_z=0.0)["met"]  # without the noise term: moved by 0.4 > 0.11
    rising = [0.1 * i for i in range(50)]  # a steady rise moves its window means far more than its noise
    assert not regime.converged(rising)["met"]


def test_a_label_gate_says_whose_labels_in_its_name_and_its_failure():
    check = regime.uses_labels({"A": [0.1, 0.2]}, 10, "the baseline follows its label", "A ignores its labels")
    assert (check.name, check.failed, check.met) == ("the baseline follows its label", "A ignores its labels", False)
    assert regime.verdict_text(regime.attach(_verdict(), [check])).startswith("not tested: A ignores its labels at")


def test_the_data_gate_is_halfway_from_untrained_to_real_and_says_when_precision_has_no_scale():
    scaled = regime.outputs_are_data({"G": [0.50, 0.46]}, untrained=0.0, real=0.9)
    assert scaled.values["threshold"] == pytest.approx(0.45) and scaled.met
    assert not regime.outputs_are_data({"G": [0.50, 0.44]}, 0.0, 0.9).met  # one seed below: not met
    flat = regime.outputs_are_data({"G": [0.99, 0.99]}, untrained=0.965, real=0.954, name="the outputs (A→B) are data")
    assert not flat.met and flat.name == "the outputs (A→B) are data"
    assert flat.failed.startswith(
        "precision cannot tell real images from an untrained generator's outputs (untrained 0.965"
    )
    assert scaled.failed == "the outputs are not recognisable data"
