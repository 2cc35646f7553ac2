import json

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
