"""The README stays true: it lists every library query and every command (datasette's idea)."""

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
