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
