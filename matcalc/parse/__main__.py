"""`python -m matcalc.parse`: regenerate matcalc/parse/tables.json after editing grammar/matcalc.lark."""
from .syntax import write_tables

print(f"wrote {write_tables()}")
