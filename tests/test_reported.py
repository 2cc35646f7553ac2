from replication.book import comparison_frame
from replication.reported import PAPER_CLAIMS, REPORTED, reported_for


def test_every_reported_number_has_a_source_and_unknowns_stay_empty():
    for entry in REPORTED:
        assert entry.source.strip(), entry
        assert entry.mark in ("P", "S", "B", "not found"), entry
        assert (entry.value is None) == (entry.mark == "not found"), entry


def test_every_registered_table_states_its_claim():
    for table_id in {e.table_id for e in REPORTED}:
        assert PAPER_CLAIMS.get(table_id), table_id
        assert reported_for(table_id)


def test_msgan_cells_render_as_see_paper_and_no_delta_is_invented():
    payload = {
        "table_id": "msgan_table1",
        "rows": [
            {
                "method": "MSGAN",
                "metric": "NDB",
                "mean": 3.0,
                "std": 1.0,
                "n": 3,
                "values": [2, 3, 4],
                "seeds": [0, 1, 2],
            }
        ],
    }
    frame = comparison_frame(payload)
    assert frame.loc[0, "paper"] == "see paper" and frame.loc[0, "Δ (ours − paper)"] == "—"
    assert (
        frame.loc[0, "ours (mean ± std over seeds)"] == "3.000\u00a0±\u00a01.000\u00a0(n=3)"
    )  # never broken over lines
