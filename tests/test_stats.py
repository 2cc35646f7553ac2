import math

import pytest
from scipy import stats as scipy_stats

from replication.claims.stats import (
    DOES_NOT_HOLD,
    HOLDS,
    INCONCLUSIVE,
    NOT_RUN,
    ONE_SEED,
    PairedComparison,
    adjust_within_claim,
    claim_p_values,
    combine_verdicts,
    compare_paired,
    holm,
    minimum_detectable_effect,
    not_run,
    power,
    seeds_for_power,
    signflip_p_above,
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
    assert compare_paired("recon L1", "A", a, "B", [102.0, 102.1, 101.9], "not worse", 0.05).verdict == HOLDS
    assert compare_paired("recon L1", "A", a, "B", [110.0, 110.1, 109.9], "not worse", 0.05).verdict == DOES_NOT_HOLD
    comparison = compare_paired("recon L1", "A", a, "B", [95.0, 105.0, 100.0], "not worse", 0.05)
    assert comparison.verdict == INCONCLUSIVE and comparison.margin == 5.0 and comparison.scale == "linear"
    # FID is analysed as a ratio: the same numbers, margin log(1.05)
    comparison = compare_paired("FID", "A", a, "B", [102.0, 102.1, 101.9], "not worse", 0.05)
    assert comparison.verdict == HOLDS and comparison.scale == "log" and math.isclose(comparison.margin, math.log(1.05))


def test_not_lower_claim_mirrors_not_worse():
    a = [0.90, 0.90, 0.90]  # margin 5 % of A's mean = 0.045
    # B 0.02 lower ± tiny: inside the margin → holds; 0.30 lower (mode seeking that stops translating) → does not
    assert compare_paired("content kept", "A", a, "B", [0.88, 0.881, 0.879], "not lower", 0.05).verdict == HOLDS
    assert compare_paired("content kept", "A", a, "B", [0.60, 0.601, 0.599], "not lower", 0.05).verdict == DOES_NOT_HOLD
    spread = compare_paired("content kept", "A", a, "B", [0.80, 0.95, 0.90], "not lower", 0.05)
    assert spread.verdict == INCONCLUSIVE and math.isclose(spread.margin, 0.045)
    # by hand: d = (−0.02, −0.019, −0.021), d̄ = −0.02, se = 0.001/√3; p (holds) = P(T_2 ≥ (d̄ + 0.045)/se)
    part = compare_paired("content kept", "A", a, "B", [0.88, 0.881, 0.879], "not lower", 0.05)
    t = (-0.02 + 0.045) / (0.001 / math.sqrt(3))
    assert math.isclose(part.p_holds, float(scipy_stats.t.sf(t, 2)), rel_tol=1e-6)
    assert part.confidence == 0.90 and part.ci_low > -0.045


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


# --- the analysis plan -------------------------------------------------------------------------------------------


def test_equivalence_is_tost_at_the_90_percent_interval():
    # d = (−0.5, 0, 0.5): mean 0, sd 0.5, se 0.5/√3; margin 10 % of 10 = 1.
    # 90 %: half-width t_{0.95,2}·se = 2.919986·0.288675 = 0.8429 < 1 → inside → holds;
    # the 95 % interval (half-width 4.302653·0.288675 = 1.2421) would not lie inside (old rule: inconclusive).
    part = compare_paired("IS", "A", [10.0, 10.0, 10.0], "B", [9.5, 10.0, 10.5], "within", 0.1)
    assert part.verdict == HOLDS and part.confidence == pytest.approx(0.90) and part.margin == 1.0
    assert part.ci_high == pytest.approx(2.919986 * 0.5 / math.sqrt(3), abs=1e-6)
    assert t_interval([-0.5, 0.0, 0.5])[2] > 1.0  # the 95 % interval crosses the margin
    # TOST p: the larger one-sided p, P(T_2 ≥ (0 + 1)/se) = P(T_2 ≤ (0 − 1)/se)
    assert part.p_holds == pytest.approx(scipy_stats.t.sf(1 / (0.5 / math.sqrt(3)), 2))
    assert part.p_holds < 0.05 < 2 * part.p_holds
    # "does not hold": the 90 % interval lies wholly outside ±margin (here above +1)
    outside = compare_paired("IS", "A", [10.0, 10.0, 10.0], "B", [11.5, 12.0, 12.5], "within", 0.1)
    assert outside.verdict == DOES_NOT_HOLD and outside.ci_low > outside.margin
    assert outside.p_does_not_hold == pytest.approx(scipy_stats.t.sf((2.0 - 1.0) / (0.5 / math.sqrt(3)), 2))


def test_lower_and_higher_keep_the_two_sided_95_percent_interval_and_agree_with_their_p():
    part = compare_paired("NDB", "A", [10.0, 11.0, 12.0], "B", [5.0, 6.1, 6.9], "lower")
    assert part.confidence == 0.95 and part.ci_high < 0
    d = [-5.0, -4.9, -5.1]
    t = (sum(d) / 3) / (0.1 / math.sqrt(3))
    assert part.p_holds == pytest.approx(2 * scipy_stats.t.cdf(t, 2)) and part.p_holds < 0.05
    assert part.p_does_not_hold == pytest.approx(1.0)


def test_holm_by_hand():
    # sorted 0.01, 0.03, 0.04 → 3·0.01 = 0.03, 2·0.03 = 0.06, max(0.06, 1·0.04) = 0.06; in the input's order:
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert holm([0.5, None, 0.01]) == pytest.approx([0.5, None, 0.02])  # None is not in the family
    assert holm([0.6, 0.9]) == [1.0, 1.0]  # capped at 1


def test_holm_within_a_claim_can_make_a_part_inconclusive():
    parts = [
        PairedComparison("x", "lower", "A", "B", -1.0, -2.0, -0.1, 5, 0.0, HOLDS, p_holds=p, p_does_not_hold=0.9)
        for p in (0.01, 0.04, 0.03)
    ]
    adjusted = adjust_within_claim(parts)
    assert [p.p_holds_adjusted for p in adjusted] == pytest.approx([0.03, 0.06, 0.06])
    assert [p.verdict for p in adjusted] == [HOLDS, INCONCLUSIVE, INCONCLUSIVE]
    assert combine_verdicts([p.verdict for p in adjusted]) == INCONCLUSIVE
    assert claim_p_values([p.as_dict() for p in adjusted]) == pytest.approx((0.06, 1.0))  # 3·0.9 capped at 1
    # parts without a test pass through unchanged and keep the claim from "holds"
    mixed = adjust_within_claim([parts[0], not_run("x", "A", "C")])
    assert mixed[0].p_holds_adjusted == 0.01 and mixed[1].verdict == NOT_RUN
    assert claim_p_values([p.as_dict() for p in mixed]) is None
    assert claim_p_values([{"verdict": "holds"}]) is None  # a results file from before the plan


def test_exact_sign_flip_p_by_hand():
    # d = (3, 1, 2, −1), "higher": the 16 sums ±3 ±1 ±2 ±1 that reach the observed 5 are 7, 5, 5 → one-sided
    # 3/16, doubled for the two-sided test of "higher" → 0.375
    assert signflip_p_above([3.0, 1.0, 2.0, -1.0]) == 3 / 16
    part = compare_paired("x", "A", [0.0] * 4, "B", [3.0, 1.0, 2.0, -1.0], "higher")
    assert part.p_signflip_holds == 0.375 and part.p_signflip_does_not_hold == 1.0
    # "not worse" centres on the margin: A = 10, δ = 10 % → margin 1; d − 1 = (−3, −1, −2, 1): by symmetry 3/16
    part = compare_paired("L1", "A", [10.0] * 4, "B", [8.0, 10.0, 9.0, 12.0], "not worse", 0.1)
    assert part.p_signflip_holds == 3 / 16
    # five seeds all in the claimed direction: the smallest two-sided sign-flip p, 2/32
    part = compare_paired("x", "A", [0.0] * 5, "B", [1.0, 2.0, 3.0, 4.0, 5.0], "higher")
    assert part.p_signflip_holds == 0.0625 and part.verdict == HOLDS  # decisions stay on the t test
    assert compare_paired("x", "A", [0.0] * 13, "B", [1.0] * 12 + [2.0], "higher").p_signflip_holds is None


def test_fid_is_analysed_on_the_log_scale():
    a, ratios = [50.0, 100.0, 200.0], [1.10, 1.20, 1.15]
    b = [x * r for x, r in zip(a, ratios, strict=True)]
    part = compare_paired("FID", "A", a, "B", b, "lower")
    logs = [math.log(r) for r in ratios]
    assert part.scale == "log" and part.estimate == pytest.approx(sum(logs) / 3)
    mean, low, high = t_interval(logs)
    assert (part.ci_low, part.ci_high) == pytest.approx((low, high))
    assert part.mean_difference == pytest.approx((5 + 20 + 30) / 3)  # in FID units, for the page
    # ratio-equal differences: scaling every FID by 10 changes nothing on the log scale
    scaled = compare_paired("FID (A→B)", "A", [10 * x for x in a], "B", [10 * x for x in b], "lower")
    assert scaled.scale == "log" and scaled.p_holds == pytest.approx(part.p_holds)
    assert compare_paired("NDB", "A", a, "B", b, "lower").scale == "linear"


def test_power_against_known_values():
    # one-sample t, effect size 0.5, 80 % power: 27 seeds one-sided at α = 0.05, 34 two-sided (G*Power)
    assert seeds_for_power("not worse", 1.0, 2.0) == 27
    assert seeds_for_power("lower", 1.0, 2.0) == 34
    assert power("not worse", 1.0, 2.0, 27) == pytest.approx(0.8118, abs=1e-4)
    assert power("not worse", 1.0, 2.0, 26) < 0.8
    mde = minimum_detectable_effect("not worse", 2.0, 27)
    assert mde < 1.0 and power("not worse", mde, 2.0, 27) == pytest.approx(0.8)
    assert seeds_for_power("lower", 1.0, 0.0) is None and minimum_detectable_effect("lower", 1.0, 1) is None
    # a part stores them: "not worse" at the margin, n = 5, sd of the differences 2, margin 1
    part = compare_paired("L1", "A", [10.0] * 5, "B", [10.0 + d for d in (-2.0, 0.0, 2.0, -1.0, 1.0)], "not worse", 0.1)
    sd = float(scipy_stats.tstd([-2.0, 0.0, 2.0, -1.0, 1.0]))
    assert part.effect_of_interest == 1.0 and part.seeds_for_80_power == seeds_for_power("not worse", 1.0, sd) > 5
    assert part.mde == pytest.approx(minimum_detectable_effect("not worse", sd, 5))
    # "lower": the observed mean difference is the effect of interest
    part = compare_paired("NDB", "A", [10.0] * 3, "B", [9.0, 8.0, 7.0], "lower")
    assert part.effect_of_interest == 2.0 and part.seeds_for_80_power == seeds_for_power("lower", 2.0, 1.0)
    assert compare_paired("NDB", "A", [1.0, 1.0], "B", [1.0, 1.0], "lower").seeds_for_80_power is None  # sd 0
