"""Values for `at` (matcalc/analysis/point.py): every malformed or oversized input is a ValuesError,
and only what is needed is read (issue 14: an .npz member of 2.3 GB was unpacked though unused, a
5,000-digit integer was a ValueError traceback, deep JSON a RecursionError)."""
import json
import zipfile

import numpy as np
import pytest

import matcalc
from matcalc.analysis.point import MAX_VALUES_BYTES, load_values
from matcalc.errors import MatcalcError


def test_only_the_members_asked_for_are_read_and_a_huge_one_is_never_unpacked(tmp_path):
    path = tmp_path / "v.npz"
    np.savez(path, x=np.array([1.0, 2.0]))
    # a member whose header claims more than the budget: zip stores the uncompressed size
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("huge.npy")
        with z.open(info, "w", force_zip64=True) as fh:
            block = b"\0" * 2 ** 20
            for _ in range(MAX_VALUES_BYTES // 2 ** 20 + 1):
                fh.write(block)
    read = load_values(str(path), names={"x"})
    assert read["huge"] is None and read["x"].tolist() == [1.0, 2.0]     # named as ignored, never unpacked
    with pytest.raises(MatcalcError, match="values files are limited"):
        load_values(str(path))


def test_at_reads_only_the_variables_of_the_expression(tmp_path):
    path = tmp_path / "v.npz"
    np.savez(path, x=np.array([1.0, 1.0]), unused=np.zeros((3, 3)))
    from matcalc.analysis import at
    point = at("x^T x", "x", values=str(path))
    assert point.as_dict()["value"] == 2.0


@pytest.mark.parametrize("text, says", [
    ('{"x": ' + "9" * 5000 + "}", "digits"),
    ('{"x": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
    ('{"x": 1e999}', "inf or nan"),
    ('{"x": [1, 2', "not valid JSON"),
])
def test_malformed_json_values_are_values_errors(text, says):
    with pytest.raises(MatcalcError, match=says):
        load_values(text)


def test_an_oversized_json_file_is_refused_before_reading(tmp_path, monkeypatch):
    import matcalc.analysis.point as point
    monkeypatch.setattr(point, "MAX_VALUES_BYTES", 10)
    path = tmp_path / "v.json"
    path.write_text(json.dumps({"x": [1, 2, 3, 4]}))
    with pytest.raises(MatcalcError, match="values files are limited"):
        load_values(str(path))
