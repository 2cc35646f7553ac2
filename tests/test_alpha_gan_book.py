import json
import re

from replication.run import results


def test_alpha_gan_notebook_ran_and_renders(smoke_book):
    status = {
        e["notebook"]: e["status"]
        for e in json.loads((smoke_book / "book/executed/status.json").read_text())["notebooks"]
    }
    assert status["notebooks/alpha_gan/table_battery.py"] == "ok"
    saved = results.load("alpha_gan_table", "smoke")
    methods = {r["method"] for r in saved["rows"]}
    assert {"alpha-GAN", "DCGAN", "WGAN-GP", "AGE", "VAE", "alpha-GAN (1:1)", "real data"} == methods
    assert len(saved["verdicts"]) == 4
    page = re.sub(
        r"\s+",
        " ",
        re.sub(
            r"<[^>]+>",
            " ",
            (smoke_book / "_build/html/book/executed/notebooks/alpha_gan/table_battery.html").read_text(),
        ),
    )
    assert "reported vs reproduced" in page and "see paper" in page and "independent critic W" in page
    assert re.search(r"Verdict: (holds|does not hold|inconclusive|not tested: )", page)
    # regime checks: the critic, reconstruction and class checks on the verdicts that read those metrics
    assert "Regime check" in page and "the independent critic converged" in page
    names = [[c["name"] for c in v["regime"]] for v in saved["verdicts"]]
    assert names == [
        ["the reconstructions are not one constant output", "the samples fall into the evaluator's classes"],
        ["the independent critic converged"],
        ["the samples fall into the evaluator's classes"],
        ["the independent critic converged"],
    ]
    assert set(saved["details"]["regime"]["recon_spread_ratio"]) == {"alpha-GAN", "AGE", "VAE", "alpha-GAN (1:1)"}
