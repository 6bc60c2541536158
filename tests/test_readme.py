"""The README is true for a newcomer: it lists every shipped course and links only to
files in the repository."""

import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def test_the_readme_names_every_shipped_course():
    bullet = " ".join(README.split("- **Shipped courses.**")[1].split("\n- **")[0].split())
    titles = [yaml.safe_load(path.read_text(encoding="utf-8"))["title"]
              for path in sorted((REPO / "courses").glob("*/course.yaml"))]
    assert len(titles) >= 6
    assert [title for title in titles if f'"{title}"' not in bullet] == []


def test_the_readme_links_only_inside_the_repository():
    outside = []
    for target in re.findall(r"\]\(([^)#\s]+)", README) + re.findall(r"`(\.\./[^`]+)`", README):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        path = (REPO / target).resolve()
        if not path.is_relative_to(REPO) or not path.exists():
            outside.append(target)
    assert outside == []


def test_the_design_names_the_app_that_gunicorn_serves():
    """The design and the production settings agree on what gunicorn serves."""
    settings = (REPO / "gunicorn.conf.py").read_text(encoding="utf-8")
    served = re.search(r'^wsgi_app = "([^"]+)"', settings, re.MULTILINE).group(1)
    design = (REPO / "docs" / "design.md").read_text(encoding="utf-8")
    production = next(line for line in design.splitlines() if line.startswith("- Production runs"))
    paragraph = design[design.index(production):].split("\n- ")[0]
    assert f"`{served}`" in paragraph, f"docs/design.md's production line does not name {served}"
