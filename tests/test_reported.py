from replication.book.page import comparison_frame
from replication.data.image_pairs import IMAGE_PAIR_SETS
from replication.data.images import DATASET_NAMES
from replication.reported import DATA_ROWS, PAPER_CLAIMS, REPORTED, reported_for, reported_value


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
    assert frame.loc[0, "paper"] == "see paper (CIFAR-10)" and frame.loc[0, "Δ (ours − paper)"] == "—"
    assert (
        frame.loc[0, "ours (mean ± std over seeds)"] == "3.000\u00a0±\u00a01.000\u00a0(n=3)"
    )  # never broken over lines


def test_every_cell_names_a_registered_row_and_every_row_a_loadable_data_set():
    for entry in REPORTED:
        assert entry.dataset in [r.paper_name for r in DATA_ROWS[entry.table_id]], entry
    for table_id, rows in DATA_ROWS.items():
        assert len({r.dataset for r in rows}) == len(rows), table_id  # one row per data set
        assert all(r.dataset in DATASET_NAMES + IMAGE_PAIR_SETS for r in rows), rows
    for table_id in {e.table_id for e in REPORTED}:  # every row has at least one cell (a number or "see paper")
        assert {r.paper_name for r in DATA_ROWS[table_id]} <= {e.dataset for e in REPORTED if e.table_id == table_id}


def _one_row_payload(table_id: str, method: str, metric: str, dataset: str, mean: float) -> dict:
    row = {"method": method, "metric": metric, "mean": mean, "std": 0.5, "n": 2, "values": [], "seeds": [0, 1]}
    return {"table_id": table_id, "rows": [row], "provenance": {"dataset": {"name": dataset}}}


def test_a_run_is_compared_with_the_row_of_its_own_data_set():
    assert reported_value("contragan_table2", "BigGAN", "FID", "tiny-imagenet").value == 31.771  # NeurIPS 2020
    assert reported_value("contragan_table2", "BigGAN", "FID", "cifar10").value == 10.739
    assert reported_value("contragan_table2", "ContraGAN", "FID", "imagenet").value == 19.443
    assert reported_value("contragan_table2", "BigGAN", "FID", "mnist5k").value == 10.739  # main row, for show
    tiny = comparison_frame(_one_row_payload("contragan_table2", "BigGAN", "FID", "tiny-imagenet", 40.0))
    assert tiny.loc[0, "paper"] == "31.771 (Tiny ImageNet)" and tiny.loc[0, "Δ (ours − paper)"] == "+8.229"
    digits = comparison_frame(_one_row_payload("contragan_table2", "BigGAN", "FID", "mnist5k", 40.0))
    assert digits.loc[0, "paper"] == "10.739 (CIFAR-10)" and digits.loc[0, "Δ (ours − paper)"] == "n/a: other data set"
    faces = comparison_frame(_one_row_payload("cvae_gan_table1", "CVAE-GAN", "top-1", "celeba-identities", 90.0))
    assert (
        faces.loc[0, "paper"] == "97.78 (FaceScrub)" and faces.loc[0, "Δ (ours − paper)"] == "n/a: substitute data set"
    )
    flowers = comparison_frame(_one_row_payload("cvae_gan_table1", "CVAE-GAN", "top-1", "flowers102", 90.0))
    assert flowers.loc[0, "paper"] == "see paper (Oxford-102 Flowers)" and flowers.loc[0, "Δ (ours − paper)"] == "—"
