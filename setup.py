"""Only what pyproject.toml cannot say: the top-level resources/ folder goes into the wheel as the
data-only package famguard/_resources (where famguard/resources.py finds it), so the repository
keeps resources/ at its top level while an installed wheel carries it inside the package. Its
subfolders are listed as packages too (found here, not named), so setuptools neither warns about
them nor needs a line for a new one."""

from pathlib import Path

from setuptools import find_namespace_packages, setup

HERE = Path(__file__).resolve().parent
RESOURCE_PACKAGES = [
    ".".join(("famguard._resources", *folder.relative_to(HERE / "resources").parts)).rstrip(".")
    for folder in [HERE / "resources", *sorted(p for p in (HERE / "resources").rglob("*") if p.is_dir())]
    if "__pycache__" not in folder.parts
]

setup(
    packages=[*find_namespace_packages(include=["famguard", "famguard.*"]), *RESOURCE_PACKAGES],
    package_dir={"famguard._resources": "resources"},
)
