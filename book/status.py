# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Execution status
# What ran for this build of the book: each notebook, its profile, outcome and wall time, and for
# each results file the device, commit and date it was produced with.

# %% tags=["parameters"]
from typing import Optional  # papermill --help-notebook reads Optional/Union, not X | None

profile: str = "auto"  # smoke | cpu | gpu | paper | auto (gpu with CUDA, else cpu)
executed_dir: Optional[str] = None  # None: <repo>/book/executed (the runner passes its output folder)

# %% tags=["remove-input"]
import json
from pathlib import Path

import pandas as pd
from IPython.display import Markdown, display

from replication import results
from replication.parameters import check_parameters
from replication.paths import repo_root
from replication.profiles import resolve_profile_name

check_parameters(globals(), declared=("profile", "executed_dir"))

profile_name = resolve_profile_name(profile)
status_file = Path(executed_dir or repo_root() / "book" / "executed") / "status.json"
notebooks = json.loads(status_file.read_text())["notebooks"] if status_file.exists() else []
table_runs = [n for n in notebooks if n.get("kind") == "table"]
display(Markdown(f"### Notebooks (profile **{profile_name}**)"))
display(pd.DataFrame(table_runs, columns=["notebook", "profile", "status", "wall_time_s", "date_utc"]))

rows = []
for payload in results.load_all(profile_name):
    prov = payload["provenance"]
    rows.append(
        {
            "table": payload["table_id"],
            "profile": payload["profile"],
            "device": prov["device"],
            "wall time (s)": prov["wall_time_s"],
            "seeds": len(prov["seeds"]),
            "data set": prov["dataset"]["name"],
            "commit": prov["git_commit"][:10] + (" (dirty)" if prov["git_dirty"] else ""),
            "date (UTC)": prov["date_utc"],
        }
    )
display(Markdown("### Results files"))
display(pd.DataFrame(rows))
