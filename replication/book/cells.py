"""The first code cell every table notebook shares, as one call.

`start(module.NOTEBOOK, globals())` checks the notebook's papermill parameters (a typo such as `-p stepz 5` is
an error naming the valid ones), resolves the profile, builds the table's config with the notebook's overrides,
picks the device, loads the data and shows the run banner with the table's setup line and seeds. What it reads
of the table is a `replication.run.experiment.TableNotebook`.
"""

from __future__ import annotations

from typing import Any

import torch

from replication.book import page
from replication.configs.parameters import check_parameters
from replication.run.experiment import TableNotebook, setup

RUN_OPTIONS = ("profile", "device", "progress", "gpus_per_run", "executed_dir")  # not config overrides


def start(notebook: TableNotebook, namespace: dict) -> tuple[str, Any, torch.device, Any]:
    """(profile name, config, device, data) of the table, from the parameters in the notebook's `namespace`
    (its `globals()`); shows the run banner and the setup line."""
    check_parameters(namespace, notebook.parameters)
    overrides = {
        notebook.config_fields.get(name, name): namespace[name]
        for name in notebook.parameters
        if name not in RUN_OPTIONS
    }
    profile_name, config, device, data = setup(
        notebook.table_id, namespace["profile"], namespace["device"], notebook.load_data, **overrides
    )
    line = f"{notebook.setup_line(config, data)}; seeds {list(config.seeds)}."
    page.show_setup(profile_name, device, data.name, line, bool(namespace.get("quick")))
    return profile_name, config, device, data
