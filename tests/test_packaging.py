"""The wheel ships every package: pyproject's explicit `packages` list names every directory of
matcalc/ that holds Python modules (CI installs the package non-editable, so a package missing
from the list would only fail there)."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def listed_packages():
    text = (ROOT / "pyproject.toml").read_text()
    block = re.search(r"^packages = \[(.*?)\]", text, re.S | re.M).group(1)
    return set(re.findall(r'"([^"]+)"', block))


def test_every_package_directory_is_listed():
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "matcalc").rglob("__init__.py")}
    missing = found - listed_packages()
    assert not missing, f"add to pyproject's packages: {sorted(missing)}"


def test_every_listed_package_exists():
    for name in listed_packages() - {"matcalc.grammar"}:
        assert (ROOT / Path(*name.split(".")) / "__init__.py").is_file(), name
