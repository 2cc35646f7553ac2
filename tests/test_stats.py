import math

import pytest

from replication.claims.stats import (
    DOES_NOT_HOLD,
    HOLDS,
    INCONCLUSIVE,
    ONE_SEED,
    combine_verdicts,
    compare_paired,
    summarise,
    t_interval,
)


def test_summarise_uses_the_sample_std():
    s = summarise([1.0, 2.0, 3.0])
    assert s["mean"] == 2.0 and s["std"] == 1.0 and s["n"] == 3 and s["values"] == [1.0, 2.0, 3.0]
    assert summarise([5.0])["std"] == 0.0


def test_t_interval_by_hand():
    # d = (1, 2, 3): mean 2, sd 1, t_{0.975,2} = 4.302653 → half-width 4.302653/√3
    mean, low, high = t_interval([1.0, 2.0, 3.0])
    half = 4.302652729911275 / math.sqrt(3)
    assert mean == 2.0 and math.isclose(low, 2 - half) and math.isclose(high, 2 + half)


def test_lower_claim_holds_fails_or_is_inconclusive():
    a = [10.0, 11.0, 12.0]
    assert compare_paired("NDB", "A", a, "B", [5.0, 6.1, 6.9], "lower").verdict == HOLDS
    assert compare_paired("NDB", "A", a, "B", [15.0, 16.2, 16.9], "lower").verdict == DOES_NOT_HOLD
    assert compare_paired("NDB", "A", a, "B", [9.0, 12.0, 11.5], "lower").verdict == INCONCLUSIVE
    assert compare_paired("NDB", "A", [1.0], "B", [0.0], "lower").verdict == ONE_SEED  # no interval from one seed


def test_not_worse_claim_uses_the_relative_margin():
    a = [100.0, 100.0, 100.0]
    # B is 2 worse ± tiny: within a 5 % margin (5) → holds; 10 worse → does not hold
    assert compare_paired("FID", "A", a, "B", [102.0, 102.1, 101.9], "not worse", 0.05).verdict == HOLDS
    assert compare_paired("FID", "A", a, "B", [110.0, 110.1, 109.9], "not worse", 0.05).verdict == DOES_NOT_HOLD
    comparison = compare_paired("FID", "A", a, "B", [95.0, 105.0, 100.0], "not worse", 0.05)
    assert comparison.verdict == INCONCLUSIVE and comparison.margin == 5.0


def test_compare_rejects_unpaired_input_and_unknown_claims():
    with pytest.raises(ValueError, match="paired"):
        compare_paired("x", "A", [1.0, 2.0], "B", [1.0], "lower")
    with pytest.raises(ValueError, match="claim"):
        compare_paired("x", "A", [1.0], "B", [1.0], "higher-ish")


def test_combined_verdict():
    assert combine_verdicts([HOLDS, HOLDS]) == HOLDS
    assert combine_verdicts([HOLDS, DOES_NOT_HOLD, INCONCLUSIVE]) == DOES_NOT_HOLD
    assert combine_verdicts([HOLDS, INCONCLUSIVE]) == INCONCLUSIVE


def test_higher_and_within_claims():
    a = [10.0, 11.0, 12.0]
    assert compare_paired("top-1", "A", a, "B", [15.0, 16.2, 16.9], "higher").verdict == HOLDS
    assert compare_paired("top-1", "A", a, "B", [5.0, 6.1, 6.9], "higher").verdict == DOES_NOT_HOLD
    assert compare_paired("top-1", "A", a, "B", [9.0, 12.0, 11.5], "higher").verdict == INCONCLUSIVE
    # within ±10 % of A's mean (±1.1): a difference of +0.1 ± tiny holds, +5 does not
    assert compare_paired("IS", "A", a, "B", [10.1, 11.1, 12.1], "within", 0.1).verdict == HOLDS
    assert compare_paired("IS", "A", a, "B", [15.0, 16.1, 16.9], "within", 0.1).verdict == DOES_NOT_HOLD
    assert compare_paired("IS", "A", a, "B", [9.0, 12.5, 12.0], "within", 0.1).verdict == INCONCLUSIVE
