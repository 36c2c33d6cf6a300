"""Test-only helper of tests/it/athena.rs: parse l4m's Athena SQL with sqlglot, and run it in DuckDB.

parse PLANS.json        every ddl and query of each plan must parse in sqlglot's Athena dialect
run PLAN.json SPEC.json the DDL's columns as a DuckDB table (every column VARCHAR) over the fixture
                        files, the intervals query transpiled Athena -> DuckDB, its rows as JSON
"""
import json
import sys

import sqlglot
from sqlglot import exp


def parse(path):
    plans = json.load(open(path))
    for name, plan in plans.items():
        sqlglot.parse_one(plan["ddl"], read="athena", error_level=sqlglot.ErrorLevel.RAISE)
        for q, sql in plan["queries"].items():
            tree = sqlglot.parse_one(sql, read="athena", error_level=sqlglot.ErrorLevel.RAISE)
            assert isinstance(tree, exp.Select), f"{name}.{q}: not a SELECT"
        sqlglot.parse_one(plan["drop"], read="athena", error_level=sqlglot.ErrorLevel.RAISE)
    print("ok", len(plans))


# Trino functions that sqlglot passes through unchanged, defined in DuckDB with Trino's meaning:
# with_timezone(ts, zone): the wall-clock ts in zone, as an instant; a wall time that occurs twice
# (autumn) is its earlier instant, as in Trino (Joda's convertLocalToUTC), where DuckDB's ICU
# takes the later one; a skipped wall time (spring) is the instant after the gap in both.
# at_timezone(tstz, zone): the wall clock of an instant in zone (the CAST ... AS TIMESTAMP
# around it keeps that wall clock).
MACROS = [
    "CREATE MACRO icu_instant(ts, zone) AS timezone(zone, ts)",
    "CREATE MACRO with_timezone(ts, zone) AS CASE"
    " WHEN timezone(zone, icu_instant(ts, zone) - INTERVAL 1 HOUR) = ts"
    " THEN icu_instant(ts, zone) - INTERVAL 1 HOUR ELSE icu_instant(ts, zone) END",
    "CREATE MACRO at_timezone(t, zone) AS timezone(zone, t)",
]


def run(plan_path, spec_path):
    import duckdb

    plan = json.load(open(plan_path))
    spec = json.load(open(spec_path))
    ddl = sqlglot.parse_one(plan["ddl"], read="athena")
    columns = [c.name for c in ddl.this.expressions if isinstance(c, exp.ColumnDef)]
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    for m in MACROS:
        con.execute(m)
    con.execute(f'CREATE SCHEMA "{plan["database"]}"')
    cols = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in columns) + "}"
    files = "[" + ", ".join(f"'{f}'" for f in spec["files"]) + "]"
    if spec["format"] == "jsonl":
        source = f"read_json({files}, format = 'newline_delimited', columns = {cols}, ignore_errors = true)"
    else:
        quote = spec["quote"].replace("'", "''")
        delim = spec["delimiter"].replace("'", "''")
        source = (
            f"read_csv({files}, header = {str(spec['header']).lower()}, delim = '{delim}', "
            f"quote = '{quote}', escape = '{quote}', columns = {cols}, auto_detect = false)"
        )
    con.execute(f'CREATE TABLE "{plan["database"]}"."{plan["table"]}" AS SELECT * FROM {source}')
    out = {}
    for name in [n for n in ("intervals", "skipped", "metrics") if n in plan["queries"]]:
        sql = sqlglot.transpile(plan["queries"][name], read="athena", write="duckdb")[0]
        rows = con.execute(sql).fetchall()
        out[name] = [[str(v) if not isinstance(v, int) else v for v in r] for r in rows]
    print(json.dumps(out))


if __name__ == "__main__":
    if sys.argv[1] == "parse":
        parse(sys.argv[2])
    else:
        run(sys.argv[2], sys.argv[3])
