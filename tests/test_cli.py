"""The command line, through click's CliRunner and as an installed entry point."""
import json
import subprocess
import sys

from click.testing import CliRunner

from matcalc.cli import main


def run(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input)


def test_parse_shows_shape_and_types():
    r = run("parse", "x'Ax")
    assert r.exit_code == 0
    assert r.output.splitlines() == ["x^T A x", "shape: scalar", "  A: matrix n x n", "  x: vector n"]


def test_parse_notes_the_letter_convention():
    r = run("parse", "a^T x")
    assert "note: a is read as a vector" in r.output


def test_parse_reads_stdin():
    r = run("parse", "-", input="||A x - b||^2\n")
    assert r.exit_code == 0 and r.output.startswith("||A x - b||^2")


def test_parse_json():
    r = run("parse", "A x", "--let", "A: 3 x 4", "--format", "json")
    out = json.loads(r.output)
    assert out["shape"] == ["3", "1"] and out["variables"] == {"A": "matrix 3 x 4", "x": "vector 4"}


def test_error_has_caret_message_and_exit_code_2():
    r = run("parse", "x + * y")
    assert r.exit_code == 2
    assert "x + * y\n    ^\nerror: syntax error: unexpected '*'" in r.output
    assert "Traceback" not in r.output


def test_bad_declaration():
    r = run("parse", "A x", "--let", "A: m by n")
    assert r.exit_code == 2 and "declaration error" in r.output and "accepted" in r.output


def test_grad_text_reports_check():
    r = run("grad", "x^T A x", "--wrt", "x", "--seed", "3")
    assert r.exit_code == 0
    lines = r.output.splitlines()
    assert lines[0] == "∂f/∂x = (A + A^T) x"
    assert lines[-1].strip().startswith("numerical check passed") and "seed 3" in lines[-1]


def test_grad_latex_and_json():
    r = run("grad", "log det X", "--wrt", "X", "--format", "latex", "--no-check")
    assert r.output.strip() == "% where det(X) > 0\n\\frac{\\partial f}{\\partial X} = X^{-\\top}"   # conditions: comments
    r = run("grad", "log det X", "--wrt", "X", "--format", "latex", "--no-check", "--no-conditions")
    assert r.output.strip() == r"\frac{\partial f}{\partial X} = X^{-\top}"
    r = run("grad", "||A x - b||^2", "--wrt", "x", "--format", "json")
    out = json.loads(r.output)
    assert out["result"] == "2 A^T (A x - b)" and out["check"]["passed"] and out["shape"] == ["n", "1"]


def test_grad_of_vector_points_to_jacobian():
    r = run("grad", "A x", "--wrt", "x")
    assert r.exit_code == 2 and "jacobian" in r.output


def test_installed_entry_point_and_module():
    out = subprocess.run([sys.executable, "-m", "matcalc", "grad", "tr(A X B)", "--wrt", "X", "--no-check"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.startswith("∂f/∂X = A^T B^T")


def test_no_check_path_imports_neither_numpy_nor_sympy():
    code = ("import sys; from matcalc.cli import main\n"
            "try:\n    main(['grad', 'x^T A x', '--wrt', 'x', '--no-check'])\nexcept SystemExit: pass\n"
            "print('numpy' in sys.modules, 'sympy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False False"


def test_several_gradients_in_one_run():
    r = run("grad", "||tanh(W x + b) - y||^2", "--wrt", "W", "--wrt", "b")
    assert r.exit_code == 0
    assert r.output.count("numerical check passed") == 2
    assert "∂f/∂W = 2 ((1 - t.^2) .* (t - y)) x^T  where t = tanh(W x + b)" in r.output
    assert "∂f/∂b = 2 ((1 - t.^2) .* (t - y))  where t = tanh(W x + b)" in r.output


def test_layouts_are_applied_and_stated():
    r = run("grad", "a^T X b", "--wrt", "X", "--layout", "numerator")
    assert r.output.startswith("∂f/∂X = b a^T") and "layout: numerator" in r.output
    r = run("jacobian", "A x", "--wrt", "x", "--layout", "denominator")
    assert r.output.startswith("∂f/∂x = A^T") and "layout: denominator" in r.output
    out = json.loads(run("grad", "a^T X b", "--wrt", "X", "--format", "json").output)
    assert out["layout"] == "mixed" and out["result"] == "a b^T"


def test_codegen_prints_only_python_on_stdout():
    r = CliRunner().invoke(main, ["codegen", "||A x - b||^2", "--wrt", "x"])
    assert r.exit_code == 0
    compile(r.stdout, "<generated>", "exec")
    assert "numerical check passed" in r.stderr and "numerical check" not in r.stdout


def test_steps_and_latex_input():
    r = run("grad", r"\frac{1}{2} \|A x - b\|^2", "--wrt", "x", "--steps")
    assert r.exit_code == 0 and "[differential:" in r.output and "∂f/∂x = A^T (A x - b)" in r.output


def test_the_installed_package_works_outside_the_checkout(tmp_path):
    """From another directory: the console script, python -m matcalc, and the grammar inside the package."""
    import os
    import shutil
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    where = subprocess.run([sys.executable, "-c", "import matcalc, pathlib; p = pathlib.Path(matcalc.__file__).parent;"
                            "print(p); print((p / 'grammar' / 'matcalc.lark').is_file())"],
                           cwd=tmp_path, env=env, capture_output=True, text=True)
    if where.returncode != 0:
        if os.environ.get("MATCALC_REQUIRE_ALL") == "1":
            raise AssertionError(f"matcalc is not installed: {where.stderr}")
        import pytest
        pytest.skip("matcalc is not installed in this environment (pip install .)")
    package_dir, has_grammar = where.stdout.split()
    assert has_grammar == "True", f"the grammar is not shipped inside {package_dir}"
    script = shutil.which("matcalc", path=os.path.dirname(sys.executable)) or shutil.which("matcalc")
    assert script, "the matcalc console script is not on PATH"
    out = subprocess.run([script, "grad", "x^T A x", "--wrt", "x"], cwd=tmp_path, env=env, capture_output=True,
                         text=True)
    assert out.returncode == 0 and out.stdout.startswith("∂f/∂x = (A + A^T) x"), out.stderr
    out = subprocess.run([sys.executable, "-m", "matcalc", "parse", "x'Ax"], cwd=tmp_path, env=env,
                         capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("x^T A x")
    top = subprocess.run([sys.executable, "-c", "import cli"], cwd=tmp_path, env=env, capture_output=True)
    assert top.returncode != 0, "a top-level module named 'cli' must not be installed"


def test_standalone_latex_document():
    r = run("grad", "log det X", "--wrt", "X", "--format", "latex", "--standalone", "--steps", "--no-check")
    assert r.exit_code == 0
    doc = r.output
    assert doc.startswith("\\documentclass[a4paper]{article}") and doc.rstrip().endswith("\\end{document}")
    steps, result = doc.split("\\section*{Result}")               # the steps and the result apart
    assert "\\section*{Derivation}" in steps and "\\begin{align*}" in steps and "\\noindent{\\small differential: $" in steps
    assert "\\frac{\\partial f}{\\partial X} &= X^{-\\top}" in result
    assert "\\item where det(X) $>$ 0" in result


# ---- an expression that starts with '-' (issue 13) ------------------------------------------------
def test_an_expression_may_start_with_a_minus_and_options_may_follow_it():
    r = run("grad", "-1/2 log det S", "--wrt", "S", "--no-check")
    assert r.exit_code == 0, r.output
    assert r.output.startswith("∂f/∂S = -1/2 S^-T")
    assert run("grad", "--wrt", "S", "-1/2 log det S", "--no-check").output == r.output
    r = run("taylor", "-x^T x", "--wrt", "x", "--no-check", "--format", "latex")
    assert r.exit_code == 0 and r.output.startswith(r"f(x + h) \approx -x^{\top} x")
    assert run("parse", "-a").output.startswith("-a\nshape: scalar")


def test_a_mistyped_option_is_still_an_option_error():
    r = run("grad", "x^T x", "--wrtt", "x")
    assert r.exit_code == 2 and "No such option '--wrtt'" in r.output
    r = run("grad", "-x^T x", "-q", "--wrt", "x")          # one expression only: a second '-…' is an option
    assert r.exit_code == 2 and "No such option '-q'" in r.output


# ---- a repeated --wrt is honoured or refused, never dropped (issue 13) ------------------------------
def test_jacobian_honours_every_wrt():
    r = run("jacobian", "A x + B y", "--wrt", "x", "--wrt", "y", "--no-check")
    assert r.exit_code == 0 and r.output.splitlines() == ["∂f/∂x = A", "∂f/∂y = B"]
    r = run("jacobian", "A x + B y", "--wrt", "x", "--wrt", "y", "--no-check", "--format", "json")
    assert [(d["wrt"], d["result"]) for d in json.loads(r.output)] == [("x", "A"), ("y", "B")]


def test_a_repeated_wrt_is_refused_where_one_variable_is_taken():
    r = run("hessian", "x^T A y", "--wrt", "x", "--wrt", "y")
    assert r.exit_code == 2 and "given 2 times (x, y)" in r.output and "--wrt x --wrt2 y" in r.output
    r = run("codegen", "||tanh(W x + b) - y||^2", "--wrt", "W", "--wrt", "b")    # one function, every gradient
    assert r.exit_code == 0 and "def f_and_gradients(W, b, x, y):" in r.output
    for args in (["diff", "x^T A y"], ["taylor", "x^T A y"], ["newton", "x^T A y"],
                 ["at", "x^T A y", "--values", '{"x": [1, 2], "y": [3, 4], "A": [[1, 0], [0, 1]]}'],
                 ["directional", "x^T A y", "--along", "v"], ["implicit", "A x - y", "--solve-for", "x"]):
        r = run(*args, "--wrt", "x", "--wrt=y")
        assert r.exit_code == 2 and "given 2 times (x, y)" in r.output, (args, r.output)
    r = run("directional", "x^T A x", "--wrt", "x", "--along", "u", "--along", "v")
    assert r.exit_code == 2 and "--along" in r.output
    assert run("hessian", "x^T A x", "--wrt", "x", "--wrt", "x", "--no-check").exit_code == 0    # the same twice


# ---- declarations as people type them (issue 13) ---------------------------------------------------
def test_a_shape_written_without_spaces_is_a_matrix():
    r = run("parse", "A x", "--let", "A: nxn spd")
    assert r.exit_code == 0 and "  A: matrix n x n spd" in r.output.splitlines()
    import matcalc
    assert matcalc.parse("A", {"A": "3x4"}).shape == (3, 4)
    assert matcalc.parse("A", {"A": "mXn"}).shape == ("m", "n")
    assert matcalc.parse("A", {"A": "n_1xn_2"}).shape == ("n_1", "n_2")
    assert matcalc.parse("a", {"a": "next"}).shape == ("next", 1)        # a word is still a vector's length


# ---- one name in every spelling: sigma, σ, \sigma (issue 13) ----------------------------------------
def test_a_declaration_applies_to_the_name_in_any_spelling():
    import matcalc
    r = run("parse", r"x^T \Sigma x", "--let", "Σ: n x n spd")
    assert r.exit_code == 0 and "  Sigma: matrix n x n spd" in r.output.splitlines()
    assert matcalc.parse("x^T Σ x", {r"\Sigma": "n x n spd"}).variables["Σ"] == "matrix n x n spd"
    assert matcalc.parse(r"\sigma x^T x", {"sigma": "scalar positive"}).variables["σ"] == "scalar positive"
    r = run("parse", "x", "--let", "Σ: n x n", "--let", "Sigma: n x n")
    assert r.exit_code == 2 and "'Σ' and 'Sigma' are the same name (Sigma), declared twice" in r.output


def test_the_text_writes_one_name_however_it_spells_it():
    import matcalc
    e = matcalc.parse("x^T Σ x + tr(Sigma)")
    assert str(e) == "x^T Σ x + tr(Σ)" and set(e.variables) == {"x", "Σ"}


def test_wrt_finds_the_variable_in_any_spelling():
    for wrt in ("sigma", "σ", r"\sigma"):
        r = run("grad", r"\sigma x^T x", "--wrt", wrt, "--no-check")
        assert r.exit_code == 0 and r.output == "∂f/∂σ = x^T x\n", (wrt, r.output)
    r = run("hessian", "x^T A x + ν^T x", "--wrt", "x", "--times", r"\nu", "--no-check")
    assert r.exit_code == 0 and r.output.startswith("H ν = ")
    r = run("at", "1/2 σ x^T x", "--wrt", "x", "--values", '{"x": [1, 2], "sigma": 2}', "--no-check")
    assert r.exit_code == 0 and "f = 5" in r.output and "ignored" not in r.output


def test_several_results_in_latex_standalone_are_one_document():
    r = run("grad", "x^T A y", "--wrt", "x", "--wrt", "y", "--format", "latex", "--standalone", "--steps",
            "--no-check")
    assert r.exit_code == 0 and r.output.count(r"\documentclass") == 1 and r.output.count(r"\end{document}") == 1
    assert r"\frac{\partial f}{\partial x} &= A y" in r.output and r"\frac{\partial f}{\partial y} &= A^{\top} x" in r.output
    r = run("jacobian", "A x + B y", "--wrt", "x", "--wrt", "y", "--format", "latex", "--standalone", "--no-check")
    assert r.exit_code == 0 and r.output.count(r"\documentclass") == 1


def test_one_spelling_across_definitions():
    import matcalc
    e = matcalc.parse("C = Σ + I; L = x^T C^-1 x + log det Sigma")
    assert set(e.variables) == {"x", "Sigma"}
    e = matcalc.parse("C = Σ + I; L = x^T C^-1 x + log det Sigma", {"Sigma": "n x n spd"})
    assert e.variables["Σ"] == "matrix n x n spd" and set(e.variables) == {"x", "Σ"}


def test_json_carries_the_latex_with_its_where():
    r = run("grad", "sum(softmax(x) .* log(softmax(x)))", "--wrt", "x", "--format", "json", "--no-check")
    out = json.loads(r.output)
    assert "where s = softmax(x)" in out["pretty"] and r"\text{where } s = " in out["pretty_latex"]
