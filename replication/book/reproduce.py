"""The "Reproduce this page" box at the end of every table notebook.

Generated from the notebook's own `parameters` cell (read the way `papermill --help-notebook`
reads it: name, annotated type, default, trailing comment), so the commands and the parameter list
cannot drift from the notebook. tests/test_reproduce.py checks that each notebook's parameters cell
and the names it checks (`replication.book.notebook_source.declared_parameters`) are the same.
"""

from __future__ import annotations

from pathlib import Path

from replication.core.paths import repo_root

PROFILES = ("smoke", "cpu", "gpu", "paper")


def notebook_parameters(notebook: str | Path, root: Path | None = None) -> list:
    """papermill's `Parameter(name, inferred_type_name, default, help)` for each name in the notebook's
    `parameters` cell (a jupytext percent .py or an .ipynb)."""
    import jupytext
    from papermill.translators import PythonTranslator

    nb = jupytext.read(Path(root or repo_root()) / notebook)
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            return PythonTranslator.inspect(cell)
    raise ValueError(f"{notebook} has no cell tagged `parameters`")


def _cell(text: str) -> str:
    """Plain text as a pipe-table cell: pipes, markup characters and `<…>` escaped, no line breaks."""
    for char in "\\|*_`[]":
        text = text.replace(char, "\\" + char)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")


def reproduce_markdown(notebook: str, root: Path | None = None) -> str:
    """Markdown: the jupytext + papermill commands and the runner command for `notebook` (a path
    relative to the repository root, e.g. `notebooks/msgan/table1_labels.py`) at every profile, then
    its parameters with type, default and meaning."""
    source = Path(notebook).as_posix()
    ipynb = Path(notebook).with_suffix(".ipynb").as_posix()
    parameters = notebook_parameters(notebook, root)
    papermill = "\n".join(
        f".venv/bin/papermill {ipynb} out-{profile}.ipynb -p profile {profile}" for profile in PROFILES
    )
    runner = "\n".join(
        f".venv/bin/python -m replication.book.runner --profile {profile} --only {source}" for profile in PROFILES
    )
    rows = "\n".join(
        f"| `{p.name}` | {_cell(p.inferred_type_name)} | {_cell(p.default)} | {_cell(p.help)} |" for p in parameters
    )
    names = ", ".join(f"`{p.name}`" for p in parameters)
    return (
        "From the repository root (`make venv` creates `.venv`). With papermill, one command per profile "
        "(`smoke` checks the pipeline in about a minute; `cpu` is the CPU book; `gpu` one GPU, reduced "
        "steps; `paper` the paper's settings):\n\n"
        f"```bash\n.venv/bin/jupytext --to ipynb --set-kernel python3 {source}\n{papermill}\n```\n\n"
        "Or through the runner that `make book` uses (it skips the notebook when its executed copy is up to "
        "date; add `--force` to re-run it):\n\n"
        f"```bash\n{runner}\n```\n\n"
        f"Parameters ({names}; any other `-p` name stops the notebook with this list; lists go with "
        '`-y`, e.g. `-y "seeds: [0, 3]"`):\n\n'
        "```{table} The notebook's parameters: type, default and meaning\n"
        "| parameter | type | default | meaning |\n|---|---|---|---|\n"
        f"{rows}\n```\n"
    )
