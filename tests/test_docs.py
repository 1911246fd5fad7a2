"""The README stays true: it lists every library query and every command (datasette's idea)."""

import ast
import io
import re
import tokenize

from forcegraph import library
from forcegraph.cli import cli


def test_readme_lists_every_library_query(repo):
    readme = (repo / "README.md").read_text()
    missing = [name for name in library.library() if f"| `{name}` |" not in readme]
    assert missing == []


def test_readme_shows_every_command(repo):
    readme = (repo / "README.md").read_text()
    missing = [name for name in cli.commands if f"forcegraph {name}" not in readme]
    assert missing == []


def test_readme_opens_with_the_two_quick_start_commands(repo):
    readme = (repo / "README.md").read_text()
    block = readme.split("```sh", 1)[1].split("```", 1)[0].strip().splitlines()
    assert [line.split("#")[0].strip() for line in block] == ["bash scripts/main.sh", "bash scripts/test.sh"]


def test_design_notes_map_every_module(repo):
    design = (repo / "docs" / "design.md").read_text()
    named = {cell.strip("` ") for line in design.splitlines() if line.startswith("| `")
             for cell in line.split("|")[1].split(",")}
    modules = sorted(p.name for p in (repo / "src" / "forcegraph").glob("*.py"))
    assert len(modules) > 40
    assert [m for m in modules if m not in named] == []


# A figure with a unit of time or size, or a speed-up: such numbers drift from the benchmarks, so
# they live in docs/design.md and benchmarks/RESULTS.md, never in the code's docstrings or comments.
MEASUREMENT = re.compile(r"\b\d+(?:\.\d+)?\s?(?:s|ms|seconds|minutes|MB|GB)\b|\d(?:\.\d+)?\s?(?:×|x faster|times faster)")


def _prose(path):
    """Docstrings and comments of a module: the places a measurement could hide."""
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            doc = ast.get_docstring(node)
            if doc:
                yield node.lineno if hasattr(node, "lineno") else 1, doc
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.COMMENT:
            yield token.start[0], token.string


def test_no_measurement_lives_in_a_docstring_or_comment(repo):
    found = [f"{path.name}:{line}: {MEASUREMENT.search(words).group()}"
             for path in sorted((repo / "src" / "forcegraph").rglob("*.py"))
             for line, words in _prose(path) if MEASUREMENT.search(words)]
    assert found == []
    assert MEASUREMENT.search("at 1M quads it took 0.7 s that way") and MEASUREMENT.search("about 1.5-2x faster")
