"""The function an exercise asks for, written from a listing's construction.

Its body is the listing's own cleaned lines (comments kept, so it still
reads like the slide), without training or plotting, ending in ``return``.
Its parameters are the listing's free inputs, plus, for a Sequential that
declares no input shape, the input the model needs (``INPUTS``): a model
without one has no weights, so neither probes nor a student can tell its
parameter count. Its name is ``build_`` and what the listing calls the model
(the comment above it, "# L2 model", else the variable), or for an array
computation the name it computes, else the slide's title. Its docstring
cites the lecture and slide by their titles and says what the function
returns, so the student's contract is in the notebook, not only on a slide.
"""
from __future__ import annotations

import ast
import keyword
import re
import textwrap
from dataclasses import dataclass

from autograder.lectures.analysis import Analysis, Construction, Kind
from autograder.lectures.cleaning import Cleaned
from autograder.lectures.deck import Deck, Listing
from autograder.lectures.names import KNOWN_IMPORTS, assigned

WIDTH = 100


@dataclass(frozen=True)
class Parameter:
    name: str
    why: str


@dataclass(frozen=True)
class Input:
    """The input a Sequential gets when its listing declares none: the ``keras.Input`` call and its parameters."""

    call: str
    shape: str
    parameters: tuple[Parameter, ...]


_FEATURES = Parameter("input_dim", "the number of input features: the listing's Sequential declares no input shape")
_STEPS = Parameter("sequence_length", "the time steps of one example: the listing's Sequential declares no input shape")
INPUTS: dict[str, Input] = {
    **dict.fromkeys(
        ("Dense", "Dropout", "Activation", "BatchNormalization", "LayerNormalization", "GaussianNoise", "ActivityRegularization"),
        Input("keras.Input((input_dim,))", "(input_dim,)", (_FEATURES,)),
    ),
    **dict.fromkeys(
        ("SimpleRNN", "LSTM", "GRU", "Bidirectional", "Conv1D", "MaxPooling1D", "GlobalAveragePooling1D"),
        Input("keras.Input((sequence_length, features))", "(sequence_length, features)",
              (_STEPS, Parameter("features", "the features of one time step: the listing's Sequential declares no input shape"))),
    ),
    **dict.fromkeys(
        ("Conv2D", "MaxPooling2D", "SeparableConv2D"),
        Input("keras.Input((height, width, channels))", "(height, width, channels)", tuple(
            Parameter(name, "the image size: the listing's Sequential declares no input shape") for name in ("height", "width", "channels")
        )),
    ),
    "Embedding": Input("keras.Input((sequence_length,))", "(sequence_length,)", (_STEPS,)),
}
ANY_INPUT = Input("keras.Input(input_shape)", "input_shape",
                  (Parameter("input_shape", "the shape of one example: the listing's Sequential declares none"),))
"""For a first layer the table does not know (Flatten, Reshape, a custom layer)."""

FREE = "read by the listing but never assigned in it"
GENERIC_RESULTS = frozenset({"out", "res", "result", "output", "value", "tmp", "arr", "array"})


@dataclass(frozen=True)
class Proposal:
    """An exercise's function: ``source`` is the ``def`` (docstring and body), ``imports`` the lines it needs above it."""

    name: str
    parameters: tuple[Parameter, ...]
    imports: tuple[str, ...]
    source: str
    returns: str

    @property
    def signature(self) -> str:
        return f"{self.name}({', '.join(p.name for p in self.parameters)})"

    def module(self) -> str:
        """The imports and the function, as a module that runs."""
        return "\n".join(self.imports) + "\n\n\n" + self.source + "\n"


def propose(deck: Deck, listing: Listing, cleaned: Cleaned, analysis: Analysis) -> tuple[Proposal, ...]:
    """One function per construction (names made unique within the listing); none for what is not an exercise."""
    if analysis.kind is Kind.NOT_AN_EXERCISE:
        return ()
    tree = ast.parse(cleaned.code)
    lines = cleaned.code.split("\n")
    proposals: list[Proposal] = []
    for construction in analysis.constructions:
        name, what = _name(analysis.kind, construction, listing)
        name = _unique(name, {p.name for p in proposals})
        write = _keras_proposal if analysis.kind is Kind.KERAS_MODEL else _array_proposal
        proposals.append(write(name, what, deck, listing, construction, tree.body, lines))
    return tuple(proposals)


def _snake(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_")


def _name(kind: Kind, construction: Construction, listing: Listing) -> tuple[str, str]:
    """The function's name, and what the docstring calls the result."""
    result = construction.result
    if kind is Kind.KERAS_MODEL:
        comment = construction.comment or ""
        words = comment.split()
        if 1 <= len(words) <= 4 and words[-1].lower() == "model":
            lowered = comment[0].lower() + comment[1:] if comment[1:2].islower() else comment
            return f"build_{_snake(comment)}", lowered
        return f"build_{_snake(result)}", result
    if len(result) >= 3 and result.lower() not in GENERIC_RESULTS:
        return _snake(result), result
    name = _snake(listing.title)
    return (name if name.isidentifier() and not keyword.iskeyword(name) else "compute"), result


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}_{n}", n + 1
    return candidate


def _characters(line: str, byte_offset: int) -> int:
    """A column as a string index: the syntax tree counts UTF-8 bytes."""
    return len(line.encode()[:byte_offset].decode(errors="ignore"))


def _statement_lines(statement: ast.stmt, lines: list[str]) -> tuple[int, int]:
    """0-based first and last line of a statement, the comments directly above it included."""
    first = statement.lineno - 1
    while first > 0 and lines[first - 1].strip().startswith("#"):
        first -= 1
    return first, (statement.end_lineno or statement.lineno) - 1


def _body(construction: Construction, statements: list[ast.stmt], lines: list[str], insert: dict[int, list[str]]) -> list[str]:
    """The construction's lines, with ``insert`` (0-based line -> replacement lines) applied."""
    body: list[str] = []
    for j in construction.statements:
        first, last = _statement_lines(statements[j], lines)
        for i in range(first, last + 1):
            body += insert.get(i, [lines[i]])
    return textwrap.dedent("\n".join(line.rstrip() for line in body)).split("\n")


def _assignment(construction: Construction, statements: list[ast.stmt]) -> ast.Assign:
    """The statement that assigns the construction's model (``model = keras.Sequential(...)``)."""
    return next(statements[j] for j in construction.statements if statements[j].lineno == construction.line)


def _sequential(construction: Construction, statements: list[ast.stmt]) -> tuple[ast.Call, list[ast.expr], str]:
    """The model's Sequential call, its layers, and whether they are a list (``"list"``) or added (``"add"``)."""
    call = _assignment(construction, statements).value
    given = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "layers"), None)
    if isinstance(given, (ast.List, ast.Tuple)):
        return call, list(given.elts), "list"
    added = [
        s.value.args[0] for j in construction.statements if isinstance(s := statements[j], ast.Expr)
        and isinstance(s.value, ast.Call) and isinstance(s.value.func, ast.Attribute) and s.value.func.attr == "add" and s.value.args
    ]
    return call, added, "add"


def _with_input(construction: Construction, statements: list[ast.stmt], lines: list[str], model_input: Input) -> dict[int, list[str]]:
    """The line edits that put ``model_input`` first in the model: above the first layer and the comments just
    above it, or, for a model built by ``add``, in an ``add`` right after the assignment."""
    call, layers, how = _sequential(construction, statements)
    if how == "list":
        first = layers[0]
        line = lines[first.lineno - 1]
        column = _characters(line, first.col_offset)
        if line[:column].strip():
            return {first.lineno - 1: [f"{line[:column]}{model_input.call}, {line[column:]}"]}
        above = first.lineno - 1
        while above - 1 > call.lineno - 1 and lines[above - 1].strip().startswith("#"):
            above -= 1
        return {above: [f"{line[:column]}{model_input.call},", lines[above]]}
    assignment = _assignment(construction, statements)
    last = (assignment.end_lineno or assignment.lineno) - 1
    indent = lines[assignment.lineno - 1][: _characters(lines[assignment.lineno - 1], assignment.col_offset)]
    return {last: [lines[last], f"{indent}{construction.result}.add({model_input.call})"]}


def _imports(construction: Construction, statements: list[ast.stmt], lines: list[str], extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    own = [
        "\n".join(lines[statements[j].lineno - 1 : statements[j].end_lineno or statements[j].lineno]).strip()
        for j in construction.imports
    ]
    bound = {name for j in construction.imports for name in assigned(statements[j])}
    known = [KNOWN_IMPORTS[name] for name in (*extra, *construction.modules) if name not in bound]
    return tuple(dict.fromkeys((*own, *known)))


def _fill(text: str) -> str:
    return textwrap.fill(text, WIDTH - 4, break_long_words=False, break_on_hyphens=False)


def _docstring(summary: str, deck: Deck, listing: Listing, details: list[str]) -> str:
    """Summary and citation filled to the width; ``details`` kept line by line (a model's layers, one a line)."""
    where = f'Lecture "{deck.full_title}"'
    if listing.slide:
        where += f', slide "{listing.slide}"'
    if listing.label:
        where += ', "' + listing.label.rstrip(":") + '"'
    text = "\n\n".join([_fill(summary), _fill(where + "."), "\n".join(details)])
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return '"""' + textwrap.indent(text, "    ").lstrip() + '\n    """'


def _short(layer: ast.expr) -> str:
    """A layer as the docstring names it: ``Dense(16, activation='relu')`` for ``layers.Dense(16, activation="relu")``."""
    text = ast.unparse(layer)
    return re.sub(r"^(?:\w+\.)+(?=\w+\()", "", text)


def _keras_proposal(
    name: str, what: str, deck: Deck, listing: Listing, construction: Construction, statements: list[ast.stmt], lines: list[str]
) -> Proposal:
    model_input = (INPUTS.get(construction.first_layer, ANY_INPUT)) if construction.first_layer else None
    insert = _with_input(construction, statements, lines, model_input) if model_input else {}
    body = _body(construction, statements, lines, insert)
    parameters = {p.name: p for p in (model_input.parameters if model_input else ())}
    parameters.update({n: Parameter(n, FREE) for n in construction.free if n not in parameters})

    kind = ast.unparse(_assignment(construction, statements).value.func)
    summary = f"{listing.caption}, as a function." if listing.caption else f"The {what} of the listing, as a function."
    shape = f", for inputs of shape {model_input.shape}" if model_input else ""
    details = [f"Returns the {kind} the listing builds{shape}"]
    layers = _sequential(construction, statements)[1] if kind.endswith("Sequential") else []
    if layers:
        details[0] += ", with the layers"
        details += [f"    {layer}" for layer in ([model_input.call.removeprefix("keras.")] if model_input else []) + [_short(layer) for layer in layers]]
    compile_call = next((
        statements[j].value for j in construction.statements
        if isinstance(statements[j], ast.Expr) and isinstance(statements[j].value, ast.Call)
        and isinstance(statements[j].value.func, ast.Attribute) and statements[j].value.func.attr == "compile"
    ), None)
    if compile_call is not None:
        arguments = ", ".join(ast.unparse(k) for k in (*compile_call.args, *compile_call.keywords))
        details.append(f"compiled with {arguments}.")
    else:
        details.append("and not compiled, as in the listing.")
    source = _function(name, tuple(parameters), _docstring(summary, deck, listing, details), body, construction.result)
    extra = ("keras",) if model_input else ()
    return Proposal(name, tuple(parameters.values()), _imports(construction, statements, lines, extra), source, construction.result)


def _array_proposal(
    name: str, what: str, deck: Deck, listing: Listing, construction: Construction, statements: list[ast.stmt], lines: list[str]
) -> Proposal:
    body = _body(construction, statements, lines, {})
    parameters = tuple(Parameter(n, FREE) for n in construction.free)
    inputs = ", ".join(p.name for p in parameters)
    summary = f"{what}, computed from {inputs} as the listing computes it." if inputs else f"{what}, as the listing computes it."
    details = [_fill("It computes " + "; ".join(ast.unparse(statements[j]) for j in construction.statements) + ".")]
    source = _function(name, tuple(p.name for p in parameters), _docstring(summary, deck, listing, details), body, construction.result)
    return Proposal(name, parameters, _imports(construction, statements, lines), source, construction.result)


def _function(name: str, parameters: tuple[str, ...], docstring: str, body: list[str], result: str) -> str:
    inside = "\n".join([docstring, *[f"    {line}" if line.strip() else "" for line in body], f"    return {result}"])
    return f"def {name}({', '.join(parameters)}):\n    {inside.lstrip()}"
