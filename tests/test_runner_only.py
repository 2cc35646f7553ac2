"""The runner's `--only`: names pick notebooks by stem, path, table id or paper; a name that picks nothing, or no
name at all, stops with exit status 2 and the valid names (it used to match nothing, or everything, silently)."""

from pathlib import Path

import pytest

from replication import runner
from replication.runner import select_notebooks

REPO = Path(__file__).resolve().parents[1]
LABELS = "notebooks/msgan/table1_labels.py"


@pytest.mark.parametrize(
    "name",
    [
        "table1_labels",
        LABELS,
        "./" + LABELS,
        "notebooks/msgan/table1_labels.ipynb",
        "notebooks/msgan/table1_labels",
        str(REPO / LABELS),
        "msgan_table1",
    ],
)
def test_one_notebook_by_stem_path_or_table_id(name):
    assert select_notebooks([name], REPO) == {LABELS}


def test_a_paper_picks_its_tables_and_names_add_up():
    msgan = select_notebooks(["msgan"], REPO)
    assert LABELS in msgan and len(msgan) == 4 and all(n.startswith("notebooks/msgan/") for n in msgan)
    assert select_notebooks(["table1_labels", "contragan_table2"], REPO) == {
        LABELS,
        "notebooks/contragan/table2_sota.py",
    }


@pytest.mark.parametrize("name", ["table9_bogus", "n", "table2", "pix2pix", "notebooks/"])
def test_a_name_that_picks_nothing_is_an_error_listing_the_valid_names(name):
    with pytest.raises(ValueError, match="matches no table notebook") as error:
        select_notebooks([name], REPO)
    assert "table1_labels" in str(error.value) and "msgan_table1" in str(error.value)


def test_the_command_line_exits_2_before_running_anything(capsys):
    for argv in (["--only", "table9_bogus"], ["--only"]):
        with pytest.raises(SystemExit) as exit_status:
            runner.main(["--profile", "smoke", "--root", str(REPO), *argv])
        assert exit_status.value.code == 2
    assert "Valid names" in capsys.readouterr().err
