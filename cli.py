"""Run the matcalc command line from a source checkout: `python cli.py parse "x^T A x"`.

The click application lives in matcalc/cli/ so that it ships inside the package (the installed
command is `matcalc`, or `python -m matcalc`).
"""
from matcalc.cli import main

if __name__ == "__main__":
    main(prog_name="matcalc")
