"""MSGAN's StackGAN++ table: the offline captions (measured attributes, parse-back), the StackGAN++ pieces
against hand values, shapes per stage, one training step, the verdict/regime wiring, and the notebook at smoke."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import torch

from replication.claims import regime
from replication.configs.profiles import get_profile
from replication.data import captions as C
from replication.experiments import msgan_stackgan as sg
from replication.experiments.sampling import evenly_spaced
from replication.nets.stackgan import (
    StackGenerator,
    StageDiscriminator,
    colour_consistency,
    kl_divergence,
    mean_covariance,
)
from replication.run.experiment import Runs

REPO = Path(__file__).resolve().parents[1]


# --- captions ---------------------------------------------------------------------------------------------------


def test_every_caption_of_every_attribute_triple_parses_back():
    triples = np.array([(c, w, s) for c in range(10) for w in range(3) for s in range(3)])
    built = C.build_captions(triples, per_image=len(C.TEMPLATES), seed=0)
    assert all(C.parse_caption(text) == tuple(t) for row, t in zip(built, triples, strict=True) for text in row)
    assert len({text for row in built for text in row}) == len(triples) * len(C.TEMPLATES)
    assert built == C.build_captions(triples, per_image=len(C.TEMPLATES), seed=0)  # deterministic
    with pytest.raises(ValueError, match="width"):
        C.parse_caption("a seven")


def test_stroke_width_from_ink_over_skeleton_and_slant_from_moments():
    bar = -torch.ones(1, 1, 16, 16)
    bar[..., 6:9, 1:15] = 1.0  # a 3-pixel-thick horizontal bar (the skeleton loses a pixel or two at each end)
    skeleton = C.zhang_suen_thinning(bar[:, 0].numpy() > 0)
    assert skeleton.sum() > 0 and skeleton.sum(0).max() == 1  # one pixel thick
    assert 2.5 <= C.stroke_width(bar)[0] <= 4.5
    right = -torch.ones(1, 1, 16, 16)
    for row in range(2, 14):  # "/": the top leans right
        right[0, 0, row, 14 - row] = 1.0
    assert C.slant(right)[0] > 0.5 and C.slant(right.flip(-1))[0] < -0.5
    assert C.to_bins(np.array([0.0, 1.5, 3.0]), (1.0, 2.0)).tolist() == [0, 1, 2]


def test_the_captioned_digits_parse_back_and_embed_deterministically():
    data = C.load_digit_captions(per_image=2, embedding_dim=8, encoder_steps=20)
    for rows, attributes in ((data.train_captions, data.train_attributes), (data.test_captions, data.test_attributes)):
        assert all(C.parse_caption(text) == tuple(a) for row, a in zip(rows, attributes, strict=True) for text in row)
    assert data.train_embeddings.shape == (len(data.images.train_x), 2, 8)
    assert (data.train_attributes[:, 0] == data.images.train_y.numpy()).all()
    assert sorted(np.bincount(data.train_attributes[:, 1])) == sorted(np.bincount(data.train_attributes[:, 2]))
    flat = [t for row in data.train_captions[:50] for t in row]
    targets = np.repeat(data.train_attributes[:50], 2, axis=0)
    first, second = (C.train_text_encoder(flat, targets, 8, steps=5) for _ in range(2))
    with torch.no_grad():
        assert torch.equal(first(flat), second(flat))


# --- StackGAN++ -------------------------------------------------------------------------------------------------


def test_kl_of_conditioning_augmentation_by_hand():
    mu, logvar = torch.tensor([[1.0, 0.0]]), torch.tensor([[0.0, math.log(4.0)]])
    # ½(1 + 1 − 0 − 1) = 0.5 and ½(0 + 4 − log 4 − 1) = 0.80685…
    expected = 0.5 + 0.5 * (3 - math.log(4.0))
    assert math.isclose(float(kl_divergence(mu, logvar, "sum")), expected, rel_tol=1e-6)
    assert math.isclose(float(kl_divergence(mu, logvar)), expected / 2, rel_tol=1e-6)
    assert float(kl_divergence(torch.zeros(3, 4), torch.zeros(3, 4))) == 0.0


def test_colour_consistency_by_hand():
    a = torch.zeros(2, 1, 4, 4)
    b = torch.ones(2, 1, 8, 8)
    b[:, :, :4] = -1.0  # mean 0, variance 1
    mu, cov = mean_covariance(b)
    assert torch.allclose(mu, torch.zeros(2, 1)) and torch.allclose(cov, torch.ones(2, 1, 1))
    # MSE of means 0; MSE of covariances (1 − 0)² = 1, weighted 5 · 50
    assert math.isclose(float(colour_consistency([a, b], 50.0)), 250.0)
    assert float(colour_consistency([b, b.clone()], 50.0)) == 0.0


@pytest.mark.parametrize("base, stages, channels", [(32, 4, 1), (64, 3, 3)])
def test_every_stage_has_its_size_and_its_discriminator_two_logits(base, stages, channels):
    generator = StackGenerator(nz=4, text_dim=6, c_dim=3, g_width=8, base_size=base, stages=stages, channels=channels)
    images, mu, logvar = generator(torch.randn(2, 4), torch.randn(2, 6))
    assert [tuple(x.shape) for x in images] == [(2, channels, base * 2**i, base * 2**i) for i in range(stages)]
    assert mu.shape == logvar.shape == (2, 3)
    for x in images:
        cond, uncond = StageDiscriminator(x.shape[-1], 2, 3, channels)(x, mu)
        assert cond.shape == uncond.shape == (2,)


def test_one_training_step_of_each_method_and_deterministic_generation():
    config = get_profile(sg.TABLE_ID, "smoke")
    data = C.TextData("tiny", _tiny_images(), torch.randn(40, 2, 5), torch.randn(10, 2, 5))
    for method in sg.METHODS:
        g, d, opt_g, opt_d = sg.build(config, data, torch.device("cpu"), 0)
        step = sg.make_step(config, g, d, opt_g, opt_d, sg.TextSampler(data, 8), sg.lambda_ms_for(method, config))
        logs = step(0)
        assert set(logs) == {"d_loss", "g_gan", "kl", "ms_ratio"} and all(torch.isfinite(v) for v in logs.values())
    g.eval()
    first = sg.generate(g, data.test_embeddings[:, 0], config.nz, 3, seed=7)
    assert first.shape == (3, 10, 1, 32, 32) and torch.equal(
        first, sg.generate(g, data.test_embeddings[:, 0], config.nz, 3, 7)
    )
    assert evenly_spaced(10, 4).tolist() == [0, 3, 6, 9] and evenly_spaced(3, 5).tolist() == [0, 1, 2]
    assert sg.nearest_captions(torch.tensor([[0.0], [5.0], [1.0]]), torch.tensor([[0.9]]), 2).tolist() == [[2, 0]]
    with pytest.raises(ValueError, match="Valid methods: StackGAN\\+\\+, StackGAN\\+\\+ \\+ MS"):
        sg.lambda_ms_for("AttnGAN", config)


def _tiny_images():
    from replication.data.images import ImageData

    return ImageData(
        "tiny",
        torch.rand(40, 1, 32, 32) * 2 - 1,
        torch.arange(40) % 10,
        torch.rand(10, 1, 32, 32) * 2 - 1,
        torch.arange(10),
        [str(c) for c in range(10)],
    )


def _table(baseline_lpips, ms_lpips, real, accuracy=0.9, ms_accuracy=None, precision=0.9):
    """Five-ish seeds of constructed scores: the baseline's and MS's diversity, caption class accuracy (MS's
    defaults to the baseline's) and the baseline's precision (real held-out images 0.95, untrained 0.05)."""
    config = get_profile(sg.TABLE_ID, "smoke", seeds=len(baseline_lpips))
    ms_accuracy = accuracy if ms_accuracy is None else ms_accuracy
    metrics = {
        sg.BASELINE: {
            s: {"FID": 10.0, sg.DIVERSITY: v, "NDB": 5.0, "JSD": 0.2, sg.ACCURACY: accuracy, sg.PRECISION: precision}
            for s, v in enumerate(baseline_lpips)
        },
        sg.MODE_SEEKING: {
            s: {
                "FID": 10.1 + 0.01 * s,
                sg.DIVERSITY: v,
                "NDB": 2.0 + 0.1 * s,
                "JSD": 0.1 + 0.001 * s,
                sg.ACCURACY: ms_accuracy + 0.001 * s,
                sg.PRECISION: 0.2,  # MS's own precision is evidence, never a gate
            }
            for s, v in enumerate(ms_lpips)
        },
    }
    return sg.TableRun(config, Runs(metrics, {}), None, real, {}, 10, real_precision=0.95, untrained_precision=0.05)


def _saved(table: sg.TableRun) -> list[dict]:
    """The verdicts as the notebook saves them: each with the table's regime checks (ten classes)."""
    return [regime.attach(v, sg.regime_checks(table)) for v in sg.verdicts(table)]


def test_the_verdict_needs_a_baseline_that_draws_data_follows_the_text_and_collapses():
    collapsed = _table([0.01, 0.012, 0.011], [0.2, 0.21, 0.23], real=0.3)
    [verdict] = _saved(collapsed)
    assert [c["met"] for c in verdict["regime"]] == [True, True, True] and verdict["verdict"] == "holds"
    assert [p["metric"] for p in verdict["parts"]] == [sg.DIVERSITY, "NDB", "JSD", "FID", sg.ACCURACY]
    diverse = _table([0.35, 0.36, 0.34], [0.5, 0.52, 0.51], real=0.3)
    [verdict] = _saved(diverse)
    assert verdict["verdict"] == "not tested" and verdict["verdict_in_regime_would_be"] == "holds"
    ignores_text = _table([0.01, 0.012, 0.011], [0.2, 0.21, 0.23], real=0.3, accuracy=0.3)
    [verdict] = _saved(ignores_text)
    assert verdict["verdict"] == "not tested" and "caption's class" in verdict["not_tested_because"]
    # halfway from the untrained 0.05 to the real 0.95 is 0.50: a baseline at 0.45 draws no data
    noise = _table([0.01, 0.012, 0.011], [0.2, 0.21, 0.23], real=0.3, precision=0.45)
    [verdict] = _saved(noise)
    assert [c["met"] for c in verdict["regime"]] == [False, True, True] and verdict["verdict"] == "not tested"
    rows = sg.result_rows(collapsed)
    assert {(r["method"], r["metric"]) for r in rows} >= {
        (sg.REAL, sg.DIVERSITY),
        (sg.REAL, sg.PRECISION),
        (sg.BASELINE, sg.ACCURACY),
        (sg.BASELINE, sg.PRECISION),
    }


def test_mode_seeking_that_stops_following_the_text_is_a_result_not_a_failed_precondition():
    """A working baseline (0.9 of captions followed) and an MS run that follows 0.3: every gate is met (MS is
    not gated) and the claim's caption part, hence the claim, does not hold."""
    table = _table([0.01, 0.012, 0.011, 0.013], [0.2, 0.21, 0.23, 0.22], real=0.3, ms_accuracy=0.3)
    [verdict] = _saved(table)
    assert all(c["met"] for c in verdict["regime"])
    caption = next(p for p in verdict["parts"] if p["metric"] == sg.ACCURACY)
    assert caption["verdict"] == "does not hold" and verdict["verdict"] == "does not hold"
    assert verdict["parts"][0]["verdict"] == "holds"  # more diverse all the same


def test_the_table_takes_only_text_conditioned_data_sets():
    assert get_profile(sg.TABLE_ID, "gpu", dataset="cub200").extractor == "inception-v3-fid"
    with pytest.raises(ValueError, match="digits-captions, cub200"):
        get_profile(sg.TABLE_ID, "cpu", dataset="mnist5k")


# --- the notebook at smoke ----------------------------------------------------------------------------------------


def test_the_notebook_runs_at_smoke(tmp_path, monkeypatch):
    import papermill

    from replication.book.runner import to_ipynb

    monkeypatch.setenv("PYTHONPATH", str(REPO))
    source = tmp_path / "table4_stackgan.py"
    source.write_text((REPO / "notebooks/msgan/table4_stackgan.py").read_text())
    papermill.execute_notebook(
        str(to_ipynb(source)),
        str(tmp_path / "out.ipynb"),
        parameters={"profile": "smoke", "progress": False},
        kernel_name="python3",
        progress_bar=False,
    )
    executed = json.loads((tmp_path / "out.ipynb").read_text())
    text = json.dumps(executed)
    assert "StackGAN++ + MS" in text and "image/png" in text and "Verdict:" in text
    from replication.run import results

    saved = results.load(sg.TABLE_ID, "smoke")
    assert {r["method"] for r in saved["rows"]} >= set(sg.METHODS) and saved["verdicts"][0]["regime"]


# --- CUB-200-2011 with StackGAN's embeddings (a tiny synthetic copy; no network) ----------------------------------


def _fake_cub(root: Path) -> Path:
    """`<root>/cub200-official/CUB_200_2011` with four images, and a StackGAN-style birds.zip beside it."""
    import io
    import pickle
    import zipfile

    from PIL import Image

    cub = root / "cub200-official" / "CUB_200_2011"
    keys = {"train": ["001.A/a_1", "001.A/a_2"], "test": ["002.B/b_1", "002.B/b_2"]}
    lines, boxes = [], []
    for i, key in enumerate(keys["train"] + keys["test"], start=1):
        (cub / "images" / key).parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (64, 48), (40 * i, 0, 0)).save(cub / "images" / f"{key}.jpg")
        lines.append(f"{i} {key}.jpg")
        boxes.append(f"{i} 10.0 10.0 20.0 20.0")
    (cub / "images.txt").write_text("\n".join(lines) + "\n")
    (cub / "bounding_boxes.txt").write_text("\n".join(boxes) + "\n")
    archive = root / "birds.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for split, names in keys.items():
            for filename, value in (
                ("filenames.pickle", names),
                ("char-CNN-RNN-embeddings.pickle", np.ones((2, 10, 1024), dtype=np.float32)),
                ("class_info.pickle", [1, 1] if split == "train" else [2, 2]),
            ):
                buffer = io.BytesIO()
                pickle.dump(value, buffer, protocol=2)
                zf.writestr(f"birds/{split}/{filename}", buffer.getvalue())
    return archive


def test_cub_text_from_a_local_birds_zip_loads_with_its_embeddings(tmp_path, capsys):
    from data_scripts import download as dl
    from replication.data.cub_text import crop_box, load_cub_text

    root = tmp_path / "data"
    archive = _fake_cub(root)
    assert dl.main(["cub200-text", "--from-zip", str(archive), "--data-root", str(root)]) == 0
    assert "dataset=cub200" in capsys.readouterr().out and (root / "cub200-text.sha256").exists()
    data = load_cub_text(32, root)
    assert data.images.train_x.shape == (2, 3, 32, 32) and data.train_embeddings.shape == (2, 10, 1024)
    assert data.images.test_y.tolist() == [1, 1] and data.test_captions is None
    assert crop_box(64, 48, (10.0, 10.0, 20.0, 20.0)) == (5, 5, 35, 35)  # side 1.5 × 20 around (20, 20)


def test_missing_cub_text_names_both_commands(tmp_path):
    from replication.data.cub_text import load_cub_text
    from replication.data.images import DatasetNotFoundError

    with pytest.raises(DatasetNotFoundError, match="download.py cub200 && python data_scripts/download.py cub200-text"):
        load_cub_text(32, tmp_path)


def test_text_data_sets_are_named_and_sized():
    with pytest.raises(ValueError, match="Valid names: digits-captions, cub200"):
        C.load_text("coco")
    with pytest.raises(ValueError, match="32×32"):
        C.load_text("digits-captions", image_size=64)


def test_the_offline_captions_need_no_download(tmp_path, capsys):
    from data_scripts import download as dl

    assert dl.main(["digits-captions", "--data-root", str(tmp_path)]) == 0
    assert "nothing to download" in capsys.readouterr().out and not any(tmp_path.iterdir())
