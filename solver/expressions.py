"""Safe arithmetic expressions of coordinates, such as ``100*log(20/sqrt(x**2+y**2))``.

The expression is parsed with ``ast`` and only numbers, the allowed variable names, arithmetic
operators, comparisons, ``where(...)`` and a whitelist of NumPy functions are accepted; nothing
else (attributes, subscripts, lambdas, names such as ``__import__``) can be evaluated.
"""

import ast
import math

import numpy as np

from .errors import InputError

FUNCTIONS = {
    name: getattr(np, name) for name in (
        "sin", "cos", "tan", "arcsin", "arccos", "arctan", "arctan2", "sinh", "cosh", "tanh",
        "exp", "log", "log10", "sqrt", "abs", "minimum", "maximum", "where", "clip", "hypot",
        "sign", "floor", "ceil")
}
FUNCTIONS.update({"min": np.minimum, "max": np.maximum, "atan2": np.arctan2,
                  "asin": np.arcsin, "acos": np.arccos, "atan": np.arctan})
CONSTANTS = {"pi": math.pi, "e": math.e}

_BINOPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.Mod, ast.FloorDiv)
_UNARY = (ast.UAdd, ast.USub)
_CMP = (ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Eq, ast.NotEq)


class Expression:
    """A validated expression of the variables ``names``; call it with arrays to evaluate."""

    def __init__(self, text, names, where):
        self.text = text
        self.names = tuple(names)
        try:
            tree = ast.parse(text.strip(), mode="eval")
        except SyntaxError as exc:
            raise InputError(f"{where}: cannot parse expression '{text}' ({exc.msg})") from None
        self.used = set()
        self._check(tree.body, where)
        self._code = compile(tree, "<expression>", "eval")

    def _check(self, node, where):
        bad = None
        if isinstance(node, ast.Constant):
            if not isinstance(node.value, (int, float)) or isinstance(node.value, bool):
                bad = repr(node.value)
        elif isinstance(node, ast.Name):
            if node.id in self.names:
                self.used.add(node.id)
            elif node.id not in CONSTANTS:
                raise InputError(f"{where}: unknown name '{node.id}' in '{self.text}'; use "
                                 f"{', '.join(self.names)} and functions such as sqrt, exp, log")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, _BINOPS):
            self._check(node.left, where)
            self._check(node.right, where)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, _UNARY):
            self._check(node.operand, where)
        elif isinstance(node, ast.Compare) and all(isinstance(o, _CMP) for o in node.ops):
            self._check(node.left, where)
            for c in node.comparators:
                self._check(c, where)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
            if node.func.id not in FUNCTIONS:
                raise InputError(f"{where}: unknown function '{node.func.id}' in '{self.text}' "
                                 f"(allowed: {', '.join(sorted(FUNCTIONS))})")
            for a in node.args:
                self._check(a, where)
        else:
            bad = type(node).__name__
        if bad is not None:
            raise InputError(f"{where}: '{self.text}' is not an arithmetic expression "
                             f"({bad} not allowed)")

    def __call__(self, **values):
        env = {"__builtins__": {}}
        env.update(FUNCTIONS)
        env.update(CONSTANTS)
        env.update(values)
        with np.errstate(all="ignore"):
            out = eval(self._code, env)  # noqa: S307 - the tree was whitelisted above
        shape = np.broadcast_shapes(*[np.shape(v) for v in values.values()]) if values else ()
        return np.broadcast_to(np.asarray(out, dtype=float), shape).copy()
