import json
import pickle

import pytest

from replication.core.io import write_json_atomic
from replication.run import results


def _payload_parts():
    rows = [{"method": "A", "metric": "FID", "mean": 1.5, "std": 0.5, "n": 2, "values": [1.0, 2.0], "seeds": [0, 1]}]
    protocol = {"reference": "train split", "extractor": {"name": "classifier:x", "sha256": "ab" * 32}}
    verdicts = [{"claim": "c", "rule": "r", "verdict": "inconclusive", "parts": []}]
    prov = results.provenance("smoke", {"name": "mnist5k", "sha256": "0"}, "cpu", 1.23, [0, 1])
    return rows, protocol, verdicts, prov


def test_save_and_load_round_trip_with_provenance(tmp_path):
    rows, protocol, verdicts, prov = _payload_parts()
    path = results.save("t1", "smoke", rows, protocol, verdicts, prov, root=tmp_path)
    assert path == tmp_path / "smoke" / "t1.json"
    loaded = results.load("t1", "smoke", root=tmp_path)
    assert loaded["rows"] == rows and loaded["schema_version"] == results.SCHEMA_VERSION
    for key in results.PROVENANCE_KEYS:
        assert key in loaded["provenance"]
    assert loaded["provenance"]["versions"]["torch"] != "not installed"
    assert len(loaded["provenance"]["git_commit"]) in (40, len("unknown"))


def test_schema_violations_are_refused(tmp_path):
    rows, protocol, verdicts, prov = _payload_parts()
    bad_rows = [dict(rows[0], n=3)]
    with pytest.raises(results.ResultsSchemaError, match="n=3"):
        results.save("t1", "smoke", bad_rows, protocol, verdicts, prov, root=tmp_path)
    with pytest.raises(results.ResultsSchemaError, match="provenance"):
        results.save("t1", "smoke", rows, protocol, verdicts, {"profile": "smoke"}, root=tmp_path)
    assert not (tmp_path / "smoke" / "t1.json").exists()


def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "r.json"
    write_json_atomic(target, {"old": 1})
    with pytest.raises(ValueError):
        write_json_atomic(target, {"new": float("nan")})  # refused before anything is replaced
    assert json.loads(target.read_text()) == {"old": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]  # no temp files left behind


def test_missing_results_say_which_notebook_to_run(tmp_path):
    with pytest.raises(FileNotFoundError, match="run its notebook"):
        results.load("msgan_table1", "cpu", root=tmp_path)


def test_atomic_checkpoint_write_interrupted_mid_file_keeps_the_old_one(tmp_path):
    import torch

    from replication.core.io import load_torch_checked, save_torch_checked

    target = tmp_path / "ckpt.pt"
    save_torch_checked(target, {"w": torch.ones(3)})
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        save_torch_checked(target, {"w": torch.zeros(3), "bad": lambda: None})  # pickling fails mid-write
    assert torch.equal(load_torch_checked(target)["w"], torch.ones(3))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ckpt.pt"]  # checksum inside, no temp file left


def test_the_builds_own_outputs_do_not_make_the_checkout_dirty(tmp_path):
    import subprocess

    from replication.run import results

    def git(*args):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    for name in ("replication/code.py", "results/cpu/table.json", "book/reference/cpu/t.ipynb"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("v1\n")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "one")
    assert results.git_state(tmp_path)[1] is False
    (tmp_path / "results/cpu/table.json").write_text("rewritten by a notebook of this build\n")
    (tmp_path / "book/reference/cpu/t.ipynb").write_text("refreshed\n")
    assert results.git_state(tmp_path)[1] is False  # the build's outputs: not dirty
    (tmp_path / "replication/code.py").write_text("v2\n")
    assert results.git_state(tmp_path)[1] is True  # the code: dirty


# --- a run with other settings writes its own file (issue #27, item 3) -------------------------------------------


def _save_table(table_id, profile, **overrides):
    """`save_table` as a notebook calls it, for a run of `table_id` at `profile` with `overrides`."""
    import types
    from dataclasses import asdict

    from replication.configs.profiles import get_profile
    from replication.run.experiment import save_table

    config = get_profile(table_id, profile, **overrides)
    rows, protocol, verdicts, _ = _payload_parts()
    data = types.SimpleNamespace(describe=lambda: {"name": config.dataset, "sha256": "0"})
    return save_table(
        table_id, profile, rows, protocol, verdicts, [], data, "cpu", 1.0, [0, 1], details={"config": asdict(config)}
    )


def test_an_override_run_leaves_the_profiles_results_byte_identical(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("REPLICATION_RESULTS", str(tmp_path))
    own = tmp_path / "cpu" / "msgan_table1.json"
    _save_table("msgan_table1", "cpu")
    before = own.read_bytes()
    saved = _save_table("msgan_table1", "cpu", steps=3)
    assert own.read_bytes() == before  # the book's file is untouched
    variant = tmp_path / "cpu" / "msgan_table1.mnist5k.steps3.json"
    assert variant.exists() and saved == json.loads(variant.read_text())  # the notebook reads back its own file
    assert saved["provenance"]["settings_overridden"] == {"dataset": "mnist5k", "steps": 3}
    out = capsys.readouterr().out
    assert "cpu/msgan_table1.mnist5k.steps3.json" in out and "the book shows <results>/cpu/msgan_table1.json" in out
    _save_table("msgan_table1", "cpu", seeds=1, steps=3)
    assert (tmp_path / "cpu" / "msgan_table1.mnist5k.seeds1.steps3.json").exists()
    assert own.read_bytes() == before
    # the profile's own settings given explicitly are no override: they rewrite the profile's file
    _save_table("msgan_table1", "cpu", seeds=5, dataset="mnist5k")
    assert own.read_bytes() != before and "settings_overridden" not in json.loads(own.read_text())["provenance"]
    # the book's pages read the profile's files only
    assert [p.name for p, _, _ in results.scan("cpu", tmp_path)] == ["msgan_table1.json"]
    assert len(results.scan("cpu", tmp_path, variants=True)) == 3


def test_two_data_sets_at_gpu_keep_two_results_files(tmp_path, monkeypatch):
    monkeypatch.setenv("REPLICATION_RESULTS", str(tmp_path))
    cifar = _save_table("contragan_table1", "gpu")  # the profile's data set: the book's file
    tiny = _save_table("contragan_table1", "gpu", dataset="tiny-imagenet")  # the row's own settings, no override
    names = sorted(p.name for p in (tmp_path / "gpu").iterdir())
    assert names == ["contragan_table1.json", "contragan_table1.tiny-imagenet.json"]
    assert (
        cifar["provenance"]["dataset"]["name"] == "cifar10" and tiny["provenance"]["dataset"]["name"] == "tiny-imagenet"
    )
    assert tiny["provenance"]["settings_overridden"] == {"dataset": "tiny-imagenet"}


def test_override_file_names_are_short_and_plain():
    assert results.variant_name("mnist5k", {"steps": 3, "seeds": (0,)}) == "mnist5k.seeds1.steps3"
    assert results.variant_name("mnist5k", {"seeds": [3, 7], "fast": False}) == "mnist5k.fast-False.seeds3_7"
    name = results.variant_name("imagefolder:/data/a b/cifar10.zip", {"methods": ["BigGAN + 2C"]})
    assert name.startswith("imagefolder-cifar10-zip-") and ".methods-" in name
    assert all(c.isalnum() or c in "._-" for c in name)
