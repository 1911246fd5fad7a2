"""The README's Python API section runs as it stands, from the repository root (datasette's idea of
docs that tests keep honest)."""

import contextlib
import io

from conftest import REPO


def test_the_readme_python_block_runs(monkeypatch):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The Python API", 1)[1]
    block = section.split("```python", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(REPO)
    printed, names = io.StringIO(), {}
    with contextlib.redirect_stdout(printed):
        exec(compile(block, "README.md (The Python API)", "exec"), names)
    assert len(names["kg"]) > 0 and names["report"].conforms and len(names["result"]) > 0
    assert "Did you mean: who-leads-what" in printed.getvalue()
