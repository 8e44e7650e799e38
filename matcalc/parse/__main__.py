"""`python -m matcalc.parse`: regenerate matcalc/parse/tables.json after editing grammar/matcalc.lark.

(Lark may number the LALR states differently from one run to the next, so regenerating an unchanged
grammar can change the file; tests/test_parser_loading.py checks that the tables parse as the grammar.)"""
from .loading import write_tables

print(f"wrote {write_tables()}")
