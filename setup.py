"""The build step pyproject.toml cannot declare: what a wheel carries beside the code.

``pip install .`` (not editable) must give a package that serves on its own, outside the
checkout. So building it
- compiles the translations (``lms/translations/*/LC_MESSAGES/messages.po`` to ``.mo``, which
  are never committed), and
- copies the folders that sit beside ``lms/`` in the checkout (templates, static files,
  migrations, the shipped courses) into ``lms/_share/``, where ``lms.config`` looks first.

An editable install (``pip install -e .``, what ``make`` does) serves those folders from the
checkout and gets its ``.mo`` files compiled in place.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SHARED = ("templates", "static", "migrations", "courses")
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "node_modules", ".*")


def compile_translations(source: Path, target: Path) -> None:
    """Every ``messages.po`` under ``source`` to ``messages.mo`` under ``target``, as
    ``pybabel compile`` does (fuzzy entries left out)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in sorted(source.glob("*/LC_MESSAGES/messages.po")):
        mo = target / po.relative_to(source).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=po.parent.parent.name)
        with mo.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)


class BuildWithData(build_py):
    def run(self):
        super().run()
        translations = ROOT / "lms" / "translations"
        if self.editable_mode:
            compile_translations(translations, translations)
            return
        package = Path(self.build_lib) / "lms"
        compile_translations(translations, package / "translations")
        for name in SHARED:
            target = package / "_share" / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(ROOT / name, target, ignore=SKIP)


setup(cmdclass={"build_py": BuildWithData})
