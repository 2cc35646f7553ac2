import json
import re

from replication.run import results


def _text(path):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", path.read_text()))


def test_cvae_gan_notebooks_ran_and_render(smoke_book):
    status = {
        e["notebook"]: e["status"]
        for e in json.loads((smoke_book / "book/executed/status.json").read_text())["notebooks"]
    }
    assert status["notebooks/cvae_gan/table1_recognisability.py"] == "ok"
    assert status["notebooks/cvae_gan/applications.py"] == "ok"
    table = results.load("cvae_gan_table1", "smoke")
    methods = {r["method"] for r in table["rows"]}
    assert methods == {"real data", "CVAE", "CGAN", "FM-CGAN", "CVAE-GAN"}
    assert [v["claim"].split(":")[0] for v in table["verdicts"]] == ["top-1 recognisability", "realism"]
    assert "never the model's own C" in table["protocol"]["evaluator"]
    apps = results.load("cvae_gan_applications", "smoke")
    assert {r["metric"] for r in apps["rows"]} == {"inpainting PSNR", "inpainting SSIM", "accuracy"}
    assert [[c["name"] for c in v["regime"]] for v in apps["verdicts"]] == [
        ["the added CVAE-GAN samples follow their label"],
        ["the fills are not one constant output"],
    ]
    spreads = apps["verdicts"][1]["regime"][0]["values"]["spread_ratio"]
    assert set(spreads) == {"CVAE", "CVAE-GAN"} and all(0 <= r <= 3 for v in spreads.values() for r in v.values())
    html = smoke_book / "_build/html/book/executed/notebooks/cvae_gan"
    page = _text(html / "table1_recognisability.html")
    assert "Table 1: reported vs reproduced" in page and "97.78" in page and "n/a: other data set" in page
    assert re.search(r"Verdict: (holds|does not hold|inconclusive|not tested: )", page)
    # the regime check: shown before the verdicts, and stored on every verdict (smoke never reaches it)
    assert "Regime check" in page and "label swap" in page
    assert all(v["regime"] and v["verdict"] == "not tested" for v in table["verdicts"])
    assert "Inpainting" in _text(html / "applications.html")
    assert "Claim." in _text(smoke_book / "_build/html/book/executed/book/cvae_gan/card.html")
