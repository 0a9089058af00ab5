"""Writing case files from dictionaries in tests (tomllib reads TOML but cannot write it)."""

import json
import math


def _toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        if isinstance(v, float) and not math.isfinite(v):
            raise ValueError("TOML numbers must be finite")
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{json.dumps(str(k))} = {_toml_value(x)}"
                                for k, x in v.items()) + " }"
    raise TypeError(f"cannot write {type(v).__name__} to TOML")


def dump_toml(table):
    """A TOML document of ``table``: one ``key = inline value`` line per top-level key."""
    return "".join(f"{json.dumps(str(k))} = {_toml_value(v)}\n" for k, v in table.items())
