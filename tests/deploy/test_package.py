"""The wheel ``pip install .`` builds serves on its own: it carries the templates, static
files, migrations, shipped courses and compiled translations, not only the code."""

from __future__ import annotations

import gettext
import shutil
import subprocess
import sys
import zipfile

import pytest

from lms.config import REPO_ROOT

SHARED = ("templates", "static", "migrations", "courses")
# What deploy/install.sh copies out of the checkout to build the package.
BUILD_SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "lms", *SHARED)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    target = tmp_path_factory.mktemp("wheel")
    # From a copy, as deploy/install.sh builds: setuptools writes its build files beside the sources.
    source = tmp_path_factory.mktemp("source")
    for name in BUILD_SOURCES:
        copy = shutil.copytree if (REPO_ROOT / name).is_dir() else shutil.copy2
        copy(REPO_ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(target),
                    str(source)], check=True, cwd=target)
    (path,) = target.glob("lms-*.whl")
    with zipfile.ZipFile(path) as archive:
        yield archive


def tracked_files(folder: str) -> set[str]:
    listing = subprocess.run(["git", "ls-files", "-z", folder], cwd=REPO_ROOT, check=True,
                             capture_output=True, text=True).stdout
    return {name for name in listing.split("\0") if name and (REPO_ROOT / name).is_file()}


@pytest.mark.parametrize("folder", SHARED)
def test_wheel_carries_every_file_of_the_folders_beside_the_package(wheel, folder):
    """An installed site has every template, static file, migration and course file of the checkout."""
    expected = tracked_files(folder)
    assert expected, f"git lists nothing under {folder}/"
    carried = {name.removeprefix("lms/_share/") for name in wheel.namelist() if name.startswith("lms/_share/")}
    assert expected - carried == set()


def test_wheel_carries_compiled_latvian_translations(wheel, tmp_path):
    """Pages of an installed site are Latvian: the .mo file is built with the wheel."""
    data = wheel.read("lms/translations/lv/LC_MESSAGES/messages.mo")
    mo = tmp_path / "messages.mo"
    mo.write_bytes(data)
    with mo.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    assert catalogue.gettext("Courses") == "Kursi"


def test_wheel_carries_the_platform_s_own_h5p_content_types(wheel):
    """An installed site can put LMS.Sort, LMS.Blanks and LMS.Choice into its library store."""
    expected = {name.removeprefix("lms/h5p/") for name in tracked_files("lms/h5p/libraries")}
    carried = {name.removeprefix("lms/h5p/") for name in wheel.namelist() if name.startswith("lms/h5p/libraries/")}
    assert len(expected) == 15 and expected - carried == set()
