"""`replication.run.compare_results`: identical results folders pass, a changed number or a missing file fails."""

import json

from replication.run.compare_results import compare_folders, main


def _write(folder, name, payload):
    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(json.dumps(payload))


def test_provenance_is_ignored_and_a_changed_per_seed_value_is_found(tmp_path):
    before, after = tmp_path / "a", tmp_path / "b"
    row = {"method": "MSGAN", "metric": "FID", "values": [1.0, 2.0]}
    _write(before, "cpu/t.json", {"rows": [row], "provenance": {"git_commit": "x"}, "wall_time_s": 3})
    _write(after, "cpu/t.json", {"rows": [row], "provenance": {"git_commit": "y"}, "wall_time_s": 9})
    assert compare_folders(before, after) == {"cpu/t.json": []}
    assert main([str(before), str(after)]) == 0
    _write(after, "cpu/t.json", {"rows": [{**row, "values": [1.0, 2.5]}]})
    assert compare_folders(before, after) == {"cpu/t.json": ["/rows[0]/values[1]: 2.0 != 2.5"]}
    assert main([str(before), str(after)]) == 1


def test_a_file_on_one_side_only_differs(tmp_path):
    before, after = tmp_path / "a", tmp_path / "b"
    _write(before, "t.json", {"verdicts": []})
    after.mkdir()
    assert compare_folders(before, after) == {"t.json": ["only before"]}
