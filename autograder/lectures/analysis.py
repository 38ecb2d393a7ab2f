"""What a cleaned listing is: a Keras model to build, an array computation, or not an exercise.

A listing that builds a Keras model (``keras.Sequential``, ``keras.Model``
of the functional API; ``Sequential`` or ``Model`` however imported) gives
one construction per model it assigns: the assignment, the ``add``,
``build`` and ``compile`` calls on that name until it is assigned again, and
every earlier statement they need, found backwards by the names they read.
Training, evaluation, plotting and printing are never part of one: an
exercise's function builds, and the checks do the rest.

A listing that calls NumPy without building a model is an array
computation: its construction is what its last assigned name needs. Any
other listing is not an exercise, and the analysis says why.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from enum import Enum

from autograder.lectures.cleaning import Cleaned
from autograder.lectures.names import KNOWN_IMPORTS, assigned, free_names

MODEL_CLASSES = frozenset({"Sequential", "Model", "Functional"})
MODEL_METHODS = frozenset({"add", "build", "compile"})
TRAINING = frozenset({"fit", "fit_generator", "train_on_batch"})
EVALUATION = frozenset({"evaluate", "predict", "predict_on_batch", "test_on_batch", "evaluate_generator", "predict_generator"})
OUTPUT = frozenset({"print", "display", "summary", "plot_model", "save", "save_weights"})
INPUT_LAYERS = frozenset({"Input", "InputLayer"})
INPUT_KEYWORDS = frozenset({"input_shape", "input_dim", "batch_input_shape", "batch_shape"})
NUMPY = frozenset({"np", "numpy"})


class Kind(Enum):
    KERAS_MODEL = "Keras model"
    ARRAY = "array computation"
    NOT_AN_EXERCISE = "not an exercise"


@dataclass(frozen=True)
class LeftOut:
    """A statement no exercise function runs; lines count in the cleaned code."""

    first_line: int
    last_line: int
    code: str
    why: str


@dataclass(frozen=True)
class Construction:
    """The statements of the listing (indexes into its top-level statements, in order) that make ``result``,
    last assigned on ``line`` of the cleaned code.

    ``free`` are the names they read that the listing never binds, in the
    order first read (the function's parameters); ``modules`` the known
    aliases among them, which the exercise imports instead. ``first_layer``
    is set for a Sequential that declares no input shape: the type of its
    first layer, which decides the input the function must add.
    """

    result: str
    line: int
    statements: tuple[int, ...]
    imports: tuple[int, ...]
    free: tuple[str, ...]
    modules: tuple[str, ...]
    comment: str | None = None
    first_layer: str | None = None
    compiled: bool = False


@dataclass(frozen=True)
class Analysis:
    kind: Kind
    reason: str
    constructions: tuple[Construction, ...] = ()
    left_out: tuple[LeftOut, ...] = ()
    notes: tuple[str, ...] = ()


def analyse(cleaned: Cleaned) -> Analysis:
    if not cleaned.parses:
        where = f" (line {cleaned.error_line} of the listing)" if cleaned.error_line else ""
        return Analysis(Kind.NOT_AN_EXERCISE, f"it does not parse: {cleaned.error}{where}")
    tree = ast.parse(cleaned.code)
    statements = tree.body
    lines = cleaned.code.split("\n")
    roles = [_role(statement) for statement in statements]
    models = _model_constructions(statements, roles, lines)
    if models:
        left = _left_out(statements, roles, models, lines, "not needed to build the model")
        notes = tuple(
            f"{c.result} (line {c.line}) is not compiled in the listing: the function returns it uncompiled."
            for c in models if not c.compiled
        ) + tuple(
            f"{c.result} (line {c.line}) declares no input shape: the function adds an input for a first {c.first_layer} layer."
            for c in models if c.first_layer
        )
        return Analysis(Kind.KERAS_MODEL, f"it builds {_count(len(models), 'Keras model')}", models, left, notes)
    kept = [i for i, statement in enumerate(statements) if roles[i] is None and not isinstance(statement, (ast.Import, ast.ImportFrom))]
    if not kept:
        return Analysis(Kind.NOT_AN_EXERCISE, "it only imports, trains, evaluates, plots or prints")
    if all(isinstance(statements[i], (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) for i in kept):
        names = ", ".join(statements[i].name for i in kept)
        return Analysis(Kind.NOT_AN_EXERCISE, f"it defines {names} itself: paste it into the notebook as it is")
    if not any(_calls_numpy(statements[i]) for i in kept):
        return Analysis(Kind.NOT_AN_EXERCISE, "it builds no Keras model and calls no NumPy function")
    construction = _array_construction(statements, roles, kept)
    if construction is None:
        return Analysis(Kind.NOT_AN_EXERCISE, "it computes nothing it assigns to a name")
    left = _left_out(statements, roles, (construction,), lines, "not needed for the result")
    notes = ("It draws from NumPy's global random generator: values compare with the reference only under one seed.",) if any(
        _uses_global_random(statements[i]) for i in construction.statements
    ) else ()
    return Analysis(Kind.ARRAY, f"it computes {construction.result} with NumPy", (construction,), left, notes)


def _count(n: int, thing: str) -> str:
    return f"a {thing}" if n == 1 else f"{n} {thing}s"


def _terminal(node: ast.AST) -> str | None:
    """The last name of a dotted expression: ``Sequential`` for ``keras.models.Sequential``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _root(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _role(statement: ast.stmt) -> str | None:
    """Why a statement is never part of an exercise: training, evaluation, plotting or output; None otherwise."""
    for node in ast.walk(statement):
        if isinstance(node, ast.Call):
            name = _terminal(node.func)
            if name in TRAINING:
                return "training"
            if name in EVALUATION:
                return "evaluation"
            if _root(node.func) in ("plt", "matplotlib", "sns"):
                return "plotting"
            if name in OUTPUT:
                return "output"
    return None


def _model_call(statement: ast.stmt) -> tuple[str, ast.Call] | None:
    if (
        isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name)
        and isinstance(statement.value, ast.Call) and _terminal(statement.value.func) in MODEL_CLASSES
    ):
        return statement.targets[0].id, statement.value
    return None


def _method_on(statement: ast.stmt, name: str) -> str | None:
    """``add`` for ``model.add(...)`` when ``name`` is ``model``."""
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        func = statement.value.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == name:
            return func.attr
    return None


def _comment_above(statement: ast.stmt, lines: list[str]) -> str | None:
    """The comment on the line just above a statement, which lecture code uses to name what it builds ("# L2 model")."""
    above = lines[statement.lineno - 2].strip() if statement.lineno >= 2 else ""
    if not above.startswith("#"):
        return None
    return above.lstrip("#").strip() or None


def _model_constructions(statements: list[ast.stmt], roles: list[str | None], lines: list[str]) -> tuple[Construction, ...]:
    constructions = []
    for i, statement in enumerate(statements):
        found = _model_call(statement)
        if found is None:
            continue
        name, call = found
        own = [i]
        methods = set()
        for j in range(i + 1, len(statements)):
            if name in assigned(statements[j]):
                break
            method = _method_on(statements[j], name)
            if method in MODEL_METHODS and roles[j] is None:
                own.append(j)
                methods.add(method)
        constructions.append(_construction(name, own, statements, roles, comment=_comment_above(statement, lines),
                                           first_layer=_missing_input(call, statements, own, name),
                                           compiled="compile" in methods))
    return tuple(constructions)


def _layers(call: ast.Call, statements: list[ast.stmt], own: list[int], name: str) -> list[ast.expr]:
    """The layers a Sequential is given: its list, or what ``add`` adds."""
    given = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "layers"), None)
    if isinstance(given, (ast.List, ast.Tuple)):
        return list(given.elts)
    return [statements[j].value.args[0] for j in own[1:] if _method_on(statements[j], name) == "add" and statements[j].value.args]


def _missing_input(call: ast.Call, statements: list[ast.stmt], own: list[int], name: str) -> str | None:
    """For a Sequential whose first layer declares no input: that layer's type; None when it has one or is not a Sequential."""
    if _terminal(call.func) != "Sequential":
        return None
    layers = _layers(call, statements, own, name)
    if not layers or not isinstance(layers[0], ast.Call):
        return None
    first = layers[0]
    if _terminal(first.func) in INPUT_LAYERS or any(k.arg in INPUT_KEYWORDS for k in first.keywords):
        return None
    return _terminal(first.func)


def _construction(
    result: str, own: list[int], statements: list[ast.stmt], roles: list[str | None], **details: str | bool | None
) -> Construction:
    """``own`` with the earlier statements it needs, and the imports and free names of all of them."""
    chosen = set(own)
    needed = set(free_names([statements[j] for j in own]))
    for j in range(max(own) - 1, -1, -1):
        statement = statements[j]
        if j in chosen or roles[j] is not None or isinstance(statement, (ast.Import, ast.ImportFrom)):
            continue
        if assigned(statement) & needed:
            chosen.add(j)
            needed |= set(free_names([statement]))
    order = sorted(chosen)
    imports = tuple(
        j for j, statement in enumerate(statements)
        if isinstance(statement, (ast.Import, ast.ImportFrom)) and j < max(order) and assigned(statement) & needed
    )
    free = free_names([statements[j] for j in (*imports, *order)])
    modules = tuple(name for name in free if name in KNOWN_IMPORTS)
    line = statements[own[0]].lineno
    return Construction(result, line, tuple(order), imports, tuple(n for n in free if n not in KNOWN_IMPORTS), modules, **details)


def _calls_numpy(statement: ast.stmt) -> bool:
    return any(isinstance(node, ast.Call) and _root(node.func) in NUMPY for node in ast.walk(statement))


def _uses_global_random(statement: ast.stmt) -> bool:
    return any(
        isinstance(node, ast.Attribute) and node.attr == "random" and isinstance(node.value, ast.Name) and node.value.id in NUMPY
        for node in ast.walk(statement)
    )


def _array_construction(statements: list[ast.stmt], roles: list[str | None], kept: list[int]) -> Construction | None:
    last = next((i for i in reversed(kept) if isinstance(statements[i], (ast.Assign, ast.AugAssign, ast.AnnAssign))), None)
    if last is None:
        return None
    targets = sorted(assigned(statements[last]))
    if len(targets) != 1:
        return None
    return _construction(targets[0], [last], statements, roles)


def _left_out(
    statements: list[ast.stmt], roles: list[str | None], constructions: tuple[Construction, ...], lines: list[str], otherwise: str
) -> tuple[LeftOut, ...]:
    used = {j for c in constructions for j in (*c.statements, *c.imports)}
    return tuple(
        LeftOut(statement.lineno, statement.end_lineno or statement.lineno, lines[statement.lineno - 1].strip(), roles[j] or otherwise)
        for j, statement in enumerate(statements) if j not in used
    )
