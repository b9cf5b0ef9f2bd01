"""Validating a model's rows a whole column at a time, with each field's own pydantic rules."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from functools import partial
from itertools import compress, count, repeat, starmap
from operator import is_, not_
from typing import Annotated, Any, Generic, TypeVar, cast

import annotated_types
from attrs import frozen
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from unionkit.models.base import first_control_character

__all__ = ["MISSING", "FieldColumn", "RowsValidation", "TrustedBuilder", "validate_rows"]

M = TypeVar("M", bound=BaseModel)
P = TypeVar("P")


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
"""A cell left out of validation: the model sees the field as not given."""


# Options that shape a model as a whole, not the validation of one field's value.
_MODEL_ONLY_CONFIG = frozenset(
    {
        "title",
        "extra",
        "frozen",
        "populate_by_name",
        "validate_by_name",
        "validate_by_alias",
        "json_schema_extra",
        "from_attributes",
        "revalidate_instances",
        "model_title_generator",
        "protected_namespaces",
        "defer_build",
    }
)


class FieldColumn:
    """
    One field of a model, validated many values at a time by the field's own rules.

    The rules are not restated: the validator is built from the field's annotation and
    metadata (constraints, ``Annotated`` validators) and the model's config, so it accepts,
    rejects and normalises a value exactly as validating the model would for that field.
    Field validators declared with ``@field_validator`` on the class are not seen: put
    such rules in the field's ``Annotated`` type.

    Args:
        model: The pydantic model.
        name: The field's name.
    """

    def __init__(self, model: type[BaseModel], name: str) -> None:
        info = model.model_fields[name]
        kind: Any = info.annotation
        if info.metadata:
            kind = Annotated[(kind, *info.metadata)]
        config = {k: v for k, v in model.model_config.items() if k not in _MODEL_ONLY_CONFIG}
        self.name = name
        self.required = info.is_required()
        self.default: object = (
            None if self.required else info.get_default(call_default_factory=True)
        )
        self._many: TypeAdapter[list[Any]] = TypeAdapter(
            list[kind],
            config=ConfigDict(**config),  # type: ignore[typeddict-item]
        )
        self._text = _text_bounds(info.annotation, info.metadata, config)

    def validate(
        self, values: Sequence[object], context: Mapping[str, object] | None = None
    ) -> tuple[list[object], dict[int, list[ErrorDetails]]]:
        """
        Validate *values* (usually the distinct values of a column) in one call.

        Args:
            values: The values, as the model would receive them.
            context: The validation context (for example ``{"today": date}``).

        Returns:
            The validated values, index for index (:data:`MISSING` where invalid), and
            the errors by index, each with ``loc`` starting with the field's name as a
            model's errors have it.
        """
        if self._text is not None and _plain_texts(values, *self._text):
            # What the validation would return: the same texts (see _text_bounds).
            return list(values), {}
        try:
            return self._many.validate_python(values, context=context), {}
        except ValidationError as exc:
            errors: dict[int, list[ErrorDetails]] = {}
            for err in exc.errors(include_url=False, include_input=False):
                index, *rest = err["loc"]
                err["loc"] = (self.name, *rest)
                errors.setdefault(int(index), []).append(err)
        # Each item is validated on its own, so the others pass a second time unchanged.
        good = [v for i, v in enumerate(values) if i not in errors]
        validated = iter(self._many.validate_python(good, context=context))
        return [MISSING if i in errors else next(validated) for i in range(len(values))], errors


# Config options under which a plain ``str`` field may still change or refuse a text
# that is within its length bounds: such fields always go through pydantic.
_TEXT_CONFIG_EFFECTS = frozenset(
    {"str_to_lower", "str_to_upper", "str_min_length", "str_max_length", "strict"}
)


def _text_bounds(
    annotation: object, metadata: Sequence[object], config: Mapping[str, object]
) -> tuple[int, int | None] | None:
    """
    A text field's length bounds, when they are all its validation can refuse.

    For a field typed ``str`` (or ``str | None``) whose only constraints are
    ``min_length``/``max_length``, validating a text that has no surrounding whitespace
    and encodes as UTF-8 returns that same text or refuses it for its length: nothing
    else. Such texts are checked by their lengths in C; any other field, or a column
    with any other text, is validated by pydantic as usual.
    """
    if annotation not in (str, str | None) or any(config.get(k) for k in _TEXT_CONFIG_EFFECTS):
        return None
    low, high = 0, None
    for constraint in metadata:
        if isinstance(constraint, annotated_types.MinLen):
            low = constraint.min_length
        elif isinstance(constraint, annotated_types.MaxLen):
            high = constraint.max_length
        else:
            return None
    return low, high


def _plain_texts(values: Sequence[object], low: int, high: int | None) -> bool:
    """Whether every value is a ``str`` that :func:`_text_bounds`' field keeps as it is."""
    if not values or not set(map(type, values)) <= {str}:
        return False
    texts = cast(Sequence[str], values)
    # str.strip returns the very text it was given when there is nothing to strip (and
    # pydantic strips no more than Python's isspace() does); encoding refuses lone
    # surrogates, which pydantic refuses too.
    if not all(map(is_, map(str.strip, texts), texts)):
        return False
    try:
        "".join(texts).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return (low == 0 or min(map(len, texts)) >= low) and (
        high is None or max(map(len, texts)) <= high
    )


def _dict_maker(fields: tuple[str, ...]) -> Callable[..., dict[str, object]]:
    """
    A function of one value per field that returns the ``{field: value}`` dict.

    Written out as a dict display (as attrs and dataclasses write their ``__init__``):
    the interpreter builds it in one step from its constant keys, a fifth faster than
    ``dict(zip(fields, row))`` and without a row tuple when mapped over columns.
    """
    params = ", ".join(f"_{i}" for i in range(len(fields)))
    items = ", ".join(f"{name!r}: _{i}" for i, name in enumerate(fields))
    namespace: dict[str, Any] = {}
    exec(f"def dict_of({params}):\n    return {{{items}}}\n", namespace)
    maker: Callable[..., dict[str, object]] = namespace["dict_of"]
    return maker


class _FieldSets(dict[int, set[str]]):
    # Looked up from C (map(d.__getitem__, masks)); a new mask is worked out once.
    def __init__(self, fields: tuple[str, ...]) -> None:
        super().__init__()
        self.fields = fields

    def __missing__(self, absent: int) -> set[str]:
        found = self[absent] = {f for i, f in enumerate(self.fields) if not absent >> i & 1}
        return found


class TrustedBuilder(Generic[M]):
    """
    Make model instances from values that were already validated field by field.

    An instance is what validation would have made (its ``__dict__`` in field order, its
    set of fields given), without validating again. Instances of a frozen model with the
    same fields given share one ``model_fields_set`` (which then never changes:
    ``model_copy`` copies it), which saves about 2 KiB an instance.

    Args:
        model: A model without private attributes, ``model_post_init`` or extra fields.

    Raises:
        TypeError: The model needs more than its fields to be built.
    """

    def __init__(self, model: type[M]) -> None:
        if (
            model.__private_attributes__
            or model.__pydantic_post_init__
            or model.model_config.get("extra") == "allow"
            or model.__pydantic_root_model__
        ):
            raise TypeError(f"{model.__name__} cannot be built from its fields alone")
        self.model = model
        self.fields: tuple[str, ...] = tuple(model.model_fields)
        self._sets = _FieldSets(self.fields)
        self._dict_of = _dict_maker(self.fields)

    def fields_set(self, absent: int) -> set[str]:
        """The shared set of fields given, for a bit mask of fields *not* given (bit i: field i)."""
        return self._sets[absent]

    def build_all(self, rows: Iterable[Sequence[object]], absent: Sequence[int]) -> list[M]:
        """
        Return an instance per row, as :meth:`build` does, in one pass.

        Args:
            rows: Each row's validated values, defaults filled in, in field order.
            absent: Each row's bit mask of the fields not given.
        """
        return self._build(list(starmap(self._dict_of, rows)), absent)

    def build_columns(self, columns: Sequence[Sequence[object]], absent: Sequence[int]) -> list[M]:
        """
        Return an instance per row, as :meth:`build_all` does, from the values by column.

        Args:
            columns: Each field's column of validated values, defaults filled in, in
                field order, all of one length.
            absent: Each row's bit mask of the fields not given.
        """
        return self._build(list(map(self._dict_of, *columns)), absent)

    def _build(self, dicts: list[dict[str, object]], absent: Sequence[int]) -> list[M]:
        # Every step a C-level pass over all rows.
        objs: list[M] = list(map(self.model.__new__, repeat(self.model, len(dicts))))
        deque(map(object.__setattr__, objs, repeat("__dict__"), dicts), maxlen=0)
        slots = BaseModel.__dict__
        given = map(self._sets.__getitem__, absent)
        # A frozen model never changes its set of fields given: instances may share one.
        shared = given if self.model.model_config.get("frozen") else map(set, given)
        deque(map(slots["__pydantic_fields_set__"].__set__, objs, shared), maxlen=0)
        deque(map(slots["__pydantic_extra__"].__set__, objs, repeat(None)), maxlen=0)
        deque(map(slots["__pydantic_private__"].__set__, objs, repeat(None)), maxlen=0)
        return objs

    def build(self, values: Sequence[object], absent: int) -> M:
        """
        Return an instance holding *values* (one per field, in field order).

        Args:
            values: The validated values, defaults filled in.
            absent: A bit mask of the fields not given (bit i for field i).
        """
        return self.build_all([values], [absent])[0]


@frozen(kw_only=True)
class RowsValidation(Generic[M, P]):
    """
    The outcome of :func:`validate_rows`: per field, per row and per model.

    Attributes:
        values: ``{field: column}``: the validated value of each row, or the field's
            default where the cell was blank, left out or invalid.
        absent: For each row, a bit mask of the fields not given (blank or left out);
            bit *i* is the model's *i*-th field.
        errors: ``{row: errors}`` for rows with invalid fields, in the model's field order,
            as pydantic reports them (``loc`` starts with the field).
        problems: ``{row: problems}`` from the row check, run on every row with invalid
            fields taken as their defaults (so a bad cell does not hide a disagreement
            between two good ones).
        models: One instance per row, or ``None`` where the row has errors or problems
            (a row with a rejected cell still gets one: the caller decides).
        rejected: ``{field: {row: what prepare returned}}`` for cells that *prepare*
            refused (an instance of *reject*); those cells count as not given.
    """

    values: dict[str, list[object]]
    absent: list[int]
    errors: dict[int, list[ErrorDetails]]
    problems: dict[int, list[P]]
    models: list[M | None]
    rejected: dict[str, dict[int, object]]


RowCheck = Callable[[Mapping[str, Sequence[object]]], dict[int, list[P]]]


def validate_rows(
    model: type[M],
    columns: Mapping[str, Sequence[object]],
    n_rows: int,
    *,
    context: Mapping[str, object] | None = None,
    blank: Callable[[Sequence[object]], Sequence[bool]],
    row_check: RowCheck[P] | None = None,
    prepare: Mapping[str, Callable[[object], object]] | None = None,
    reject: type | None = None,
    field_columns: Mapping[str, FieldColumn] | None = None,
    builder: TrustedBuilder[M] | None = None,
    memo: dict[str, dict[Hashable, object]] | None = None,
    distinct_fields: Collection[str] | None = None,
    all_text: bool = False,
    text_problem: Callable[[str, str], P] | None = None,
) -> RowsValidation[M, P]:
    """
    Validate *n_rows* rows of *model* given as columns, each distinct cell once.

    A row is accepted exactly when ``model.model_validate(row)`` would accept it (the row
    being its non-blank cells), with the same values: each field goes through
    :class:`FieldColumn` and the model's cross-field rule through *row_check*. The
    model's own ``@model_validator`` functions are not run: *blank* and *row_check*
    stand for them, so they must say the same (for :class:`~unionkit.models.Member`:
    :func:`~unionkit.models.member.blank_cells` and
    :func:`~unionkit.models.member.consistency_by_row`).

    Args:
        model: The model.
        columns: ``{field: cells}``, every column *n_rows* long; fields without a column
            are not given in any row. A cell may be :data:`MISSING` (left out).
        n_rows: The number of rows.
        context: The validation context.
        blank: Which of a list of cells count as not given (the model's own rule for
            blank cells), one flag per cell.
        row_check: The model's cross-field rule over whole columns, returning
            ``{row: problems}``; its columns hold defaults where a value is missing.
        prepare: Per field, a function applied once to each distinct non-blank cell
            before validation (reading a spreadsheet's spelling of a value).
        reject: The type *prepare* returns for a cell it cannot read; such cells are
            left out and listed in :attr:`RowsValidation.rejected`.
        field_columns: Prebuilt :class:`FieldColumn` objects, to reuse across calls.
        builder: A prebuilt :class:`TrustedBuilder`, to reuse across calls.
        memo: A dict to keep each distinct text cell's outcome in, per field, across
            calls with the same *context*, *prepare* and *reject* (the chunks of one file).
        distinct_fields: Fields whose cells seldom repeat (identifiers), validated cell by
            cell without looking for repeats; by default judged from a sample of each column.
        all_text: Whether every cell of every column is ``str`` (a CSV's), which spares
            looking at each cell's type.
        text_problem: Builds the problem for a row whose cell holds a control character
            (field, ``"U+XXXX"``), which the model refuses before any field (the
            ``UnionModel`` rule); such a row gets that one problem and no field errors.

    Returns:
        The validated columns, errors, problems and models.
    """
    builder = builder or TrustedBuilder(model)
    fields = builder.fields
    values: dict[str, list[object]] = {}
    # The rows not given of each field, as (bit, rows): the masks are made at the end.
    not_given_by_bit: list[tuple[int, Sequence[int]]] = []
    errors: dict[int, list[ErrorDetails]] = {}
    rejected: dict[str, dict[int, object]] = {}
    for bit, name in enumerate(fields):
        checker = (field_columns or {}).get(name) or FieldColumn(model, name)
        cells = columns.get(name)
        if cells is None:
            values[name] = [checker.default] * n_rows
            not_given_by_bit.append((bit, range(n_rows)))
            if checker.required:
                for j in range(n_rows):
                    errors.setdefault(j, []).append(_missing(name))
            continue
        column, not_given, bad, refused = _validate_column(
            _ColumnRules(checker, context, blank, (prepare or {}).get(name), reject),
            cells,
            memo=None if memo is None else memo.setdefault(name, {}),
            unique=None if distinct_fields is None else name in distinct_fields,
            all_text=all_text,
        )
        values[name] = column
        if refused:
            rejected[name] = refused
        not_given_by_bit.append((bit, not_given))
        if checker.required:
            for j in not_given:
                errors.setdefault(j, []).append(_missing(name))
        for j, errs in bad.items():
            errors.setdefault(j, []).extend(errs)
    absent = _absent_masks(n_rows, not_given_by_bit, len(fields))
    problems = row_check(values) if row_check is not None else {}
    if text_problem is not None:
        for j, (name, where) in first_control_character(columns, n_rows, blank).items():
            errors.pop(j, None)
            problems[j] = [text_problem(name, where)]
    models: list[M | None] = list(builder.build_columns(list(values.values()), absent))
    for j in (*errors, *problems):
        models[j] = None
    return RowsValidation(
        values=values,
        absent=absent,
        errors=errors,
        problems=problems,
        models=models,
        rejected=rejected,
    )


def _absent_masks(
    n_rows: int, not_given: Sequence[tuple[int, Sequence[int]]], n_fields: int
) -> list[int]:
    """Each row's bit mask of the fields not given, from each field's rows not given."""
    import numpy as np

    # Blank cells run to most of a roster's cells (a relative's row leaves half its
    # fields empty): one array operation per field instead of one step per blank cell.
    # Python integers (an object array) hold the masks of a model of more than 62 fields.
    masks = np.zeros(n_rows, dtype=np.int64 if n_fields <= 62 else object)
    for bit, rows in not_given:
        if len(rows):
            masks[np.asarray(rows, dtype=np.intp)] |= 1 << bit
    absent: list[int] = masks.tolist()
    return absent


def _missing(name: str) -> ErrorDetails:
    # As pydantic reports a missing field with include_input=False.
    return cast(ErrorDetails, {"type": "missing", "loc": (name,), "msg": "Field required"})


def _mostly_distinct(cells: Sequence[object]) -> bool:
    sample = cells[:64]
    try:
        return len(sample) == 64 and len(set(sample)) > 56
    except TypeError:
        return True


def _distinct(
    cells: Sequence[object],
) -> tuple[Sequence[Hashable], Collection[Hashable], list[object], bool]:
    """Return a key per cell, the distinct keys and their cells, and whether all are text."""
    # Values of different types can be equal (1 == 1.0 == True, a str enum member and its
    # text) and yet validate differently: key cells by type unless the column holds at
    # most one numeric and one text type. Unhashable cells are each their own key.
    # The distinct keys come as a dict (or a range), so that membership is one lookup.
    kinds = set(map(type, cells))
    kinds.discard(_Missing)
    numeric = sum(issubclass(k, (int, float, complex, Decimal, Fraction)) for k in kinds)
    texts = sum(issubclass(k, str) for k in kinds)
    try:
        if numeric <= 1 and texts <= 1:
            distinct: dict[Hashable, None] = dict.fromkeys(cells)
            return cells, distinct, list(distinct), kinds <= {str}
        pairs = list(zip(map(type, cells), cells, strict=True))
        keys = dict.fromkeys(pairs)
        return pairs, keys, [c for _, c in keys], False
    except TypeError:
        return range(len(cells)), range(len(cells)), list(cells), False


class _Mark:
    """A cell's outcome other than a value: not given, invalid, or refused by *prepare*."""

    __slots__ = ("errors", "refused")

    def __init__(self, errors: list[ErrorDetails] | None = None, refused: object = None) -> None:
        self.errors = errors
        self.refused = refused


_NOT_GIVEN = _Mark()

# The key, in a column's memo, of {cell key: _Mark} for the cells that have no value.
_MARKS: Any = _Missing()

_MEMO_LIMIT = 1 << 17

# A cell whose text the memo has not seen yet (no value of any field is this object).
_UNSEEN: Any = _Missing()


@frozen
class _ColumnRules:
    """How one column's cells are read and validated (see :func:`validate_rows`)."""

    checker: FieldColumn
    context: Mapping[str, object] | None
    blank: Callable[[Sequence[object]], Sequence[bool]]
    prepare: Callable[[object], object] | None
    reject: type | None


@frozen
class _Read:
    """A column's cells read and validated: where the values are, and why others are not."""

    given: list[int] | None
    """The rows given, in order (``None``: every row), the rows :attr:`values` are for."""
    values: list[object]
    """The validated value of each row given (anything, where :attr:`failed` says so)."""
    failed: dict[int, list[ErrorDetails]]
    """Errors, by position in :attr:`values`."""
    absent: list[int]
    """The rows not given, in order: blank, left out, or refused by *prepare*."""
    refused: dict[int, object]
    """By row: what *prepare* returned for a cell it refused."""


def _read(rules: _ColumnRules, cells: Sequence[object], all_text: bool) -> _Read:
    """Read and validate each cell that is given (see :func:`validate_rows`)."""
    prepare, reject = rules.prepare, rules.reject
    flags = rules.blank(cells)
    given: list[int] | None = None
    absent: list[int] = []
    inputs: list[object] = list(cells)
    if any(flags):
        given = list(compress(count(), map(not_, flags)))
        absent = list(compress(count(), flags))
        inputs = list(map(cells.__getitem__, given))
    refused: dict[int, object] = {}
    # A text cell cannot be MISSING: all-text columns (a CSV's) skip the look.
    if not all_text and any(map(is_, inputs, repeat(MISSING))):
        given, inputs, left_out = _split(given, inputs, partial(is_, MISSING))
        absent = sorted([*absent, *left_out])
    if prepare is not None:
        # A prepare function may also read a whole column at once (numpy over ID numbers).
        many = getattr(prepare, "many", None)
        inputs = list(many(inputs)) if many is not None else list(map(prepare, inputs))
        if reject is not None and any(map(isinstance, inputs, repeat(reject))):
            refused = {
                (k if given is None else given[k]): v
                for k, v in enumerate(inputs)
                if isinstance(v, reject)
            }
            given, inputs, _ = _split(given, inputs, refused.__contains__, by_row=True)
            absent = sorted([*absent, *refused])
    settled: tuple[type, ...] = getattr(prepare, "final", ())
    checked, failed = _check(rules, inputs, settled)
    return _Read(given, checked, failed, absent, refused)


def _split(
    given: list[int] | None,
    inputs: list[object],
    drop: Callable[[Any], bool],
    *,
    by_row: bool = False,
) -> tuple[list[int], list[object], list[int]]:
    """Leave out the inputs *drop* says (of the value, or of the row with ``by_row``)."""
    rows = list(range(len(inputs))) if given is None else given
    keep = [not drop(r if by_row else v) for r, v in zip(rows, inputs, strict=True)]
    dropped = [r for r, k in zip(rows, keep, strict=True) if not k]
    return list(compress(rows, keep)), list(compress(inputs, keep)), dropped


def _outcomes(rules: _ColumnRules, cells: Sequence[object], all_text: bool = False) -> list[object]:
    """Each cell's validated value, or a :class:`_Mark` saying why it has none."""
    read = _read(rules, cells, all_text)
    checked = read.values
    for k, errs in read.failed.items():
        checked[k] = _Mark(errors=errs)
    if read.given is None:
        return checked
    out: list[object] = [_NOT_GIVEN] * len(cells)
    deque(map(out.__setitem__, read.given, checked), maxlen=0)
    for i, value in read.refused.items():
        out[i] = _Mark(refused=value)
    return out


def _distinct_column(
    rules: _ColumnRules, cells: Sequence[object], all_text: bool
) -> tuple[list[object], list[int], dict[int, list[ErrorDetails]], dict[int, object]]:
    """:func:`_validate_column` for cells that seldom repeat: each read once, in order."""
    read = _read(rules, cells, all_text)
    default = rules.checker.default
    column = read.values
    if read.given is not None:
        column = [default] * len(cells)
        deque(map(column.__setitem__, read.given, read.values), maxlen=0)
    if not read.failed:
        return column, read.absent, {}, read.refused
    rows = range(len(cells)) if read.given is None else read.given
    errors = {rows[k]: errs for k, errs in read.failed.items()}
    for row in errors:
        column[row] = default
    return column, read.absent, errors, read.refused


def _check(
    rules: _ColumnRules, inputs: list[object], settled: tuple[type, ...]
) -> tuple[list[object], dict[int, list[ErrorDetails]]]:
    # A prepare function may say (its ``final`` types) that values of those exact types are
    # already what the field's validation returns for them: only the others are validated.
    if not settled:
        return rules.checker.validate(inputs, rules.context)
    done = frozenset(settled).__contains__
    todo = list(compress(count(), map(not_, map(done, map(type, inputs)))))
    if not todo:
        return list(inputs), {}
    checked, failed = rules.checker.validate(list(map(inputs.__getitem__, todo)), rules.context)
    out = list(inputs)
    deque(map(out.__setitem__, todo, checked), maxlen=0)
    return out, {todo[k]: errs for k, errs in failed.items()}


def _validate_column(
    rules: _ColumnRules,
    cells: Sequence[object],
    *,
    memo: dict[Hashable, object] | None,
    unique: bool | None,
    all_text: bool,
) -> tuple[list[object], list[int], dict[int, list[ErrorDetails]], dict[int, object]]:
    """Return the column's values (defaults where not given), rows not given, errors, refusals."""
    default = rules.checker.default
    if unique if unique is not None else _mostly_distinct(cells):
        # ID numbers, names: looking for repeats would cost more than it saves.
        return _distinct_column(rules, cells, all_text)
    if all_text:
        # The caller vouches that every cell is text: no need to look at their types.
        return _text_column(rules, cells, {} if memo is None else memo)
    keys, present, distinct, texts = _distinct(cells)
    # Text cells keep their outcome across calls (dates, money and choices repeat down a
    # roster); other kinds could collide with equal values of another type in a later call.
    if texts and memo is not None:
        return _text_column(rules, cells, memo)
    found = _outcomes(rules, distinct)
    outcome = dict(zip(present, found, strict=True))
    key_marks = {key: mark for key, mark in outcome.items() if isinstance(mark, _Mark)}
    for key in key_marks:
        outcome[key] = default
    column = list(map(outcome.__getitem__, keys))
    if not key_marks:
        return column, [], {}, {}
    where = list(compress(count(), map(key_marks.__contains__, keys)))
    return _column_marks(column, where, key_marks, keys)


def _text_column(
    rules: _ColumnRules, cells: Sequence[object], outcome: dict[Hashable, object]
) -> tuple[list[object], list[int], dict[int, list[ErrorDetails]], dict[int, object]]:
    """:func:`_validate_column` for text cells, each distinct text's outcome kept in *outcome*."""
    # The memo holds each cell's final value (the default for a cell without one); the
    # cells without one are also kept, with why, under _MARKS: a chunk's column is then
    # one lookup per cell, and only the texts not seen before are read, once each.
    if len(outcome) > _MEMO_LIMIT:
        outcome.clear()
    marked = cast(dict[Hashable, _Mark], outcome.setdefault(_MARKS, {}))
    column = list(map(outcome.get, cells, repeat(_UNSEEN)))
    unseen = list(compress(count(), map(is_, column, repeat(_UNSEEN))))
    if unseen:
        new_cells = list(dict.fromkeys(map(cells.__getitem__, unseen)))
        found = _outcomes(rules, new_cells, all_text=True)
        outcome.update(zip(new_cells, found, strict=True))
        default = rules.checker.default
        for key in compress(new_cells, map(isinstance, found, repeat(_Mark))):
            marked[key] = cast(_Mark, outcome[key])
            outcome[key] = default
        values = map(outcome.__getitem__, map(cells.__getitem__, unseen))
        deque(map(column.__setitem__, unseen, values), maxlen=0)
    if not marked:
        return column, [], {}, {}
    where = list(compress(count(), map(marked.__contains__, cells)))
    return _column_marks(column, where, marked, cells)


def _column_marks(
    column: list[object],
    where: list[int],
    marks: Mapping[Any, _Mark],
    keys: Sequence[Any],
) -> tuple[list[object], list[int], dict[int, list[ErrorDetails]], dict[int, object]]:
    """The column with its marked rows (*where*) sorted as :func:`_sort_marks` does."""
    if not where:
        return column, [], {}, {}
    # A memo's marks may outnumber the chunk's marked rows: look at the fewer of the two.
    seen = (
        marks.values()
        if len(marks) <= len(where)
        else map(marks.__getitem__, map(keys.__getitem__, where))
    )
    if all(map(is_, seen, repeat(_NOT_GIVEN))):
        return column, where, {}, {}
    row_marks = dict(zip(where, map(marks.__getitem__, map(keys.__getitem__, where)), strict=True))
    return (column, *_sort_marks(row_marks, where))


def _sort_marks(
    marks: Mapping[int, _Mark], where: list[int]
) -> tuple[list[int], dict[int, list[ErrorDetails]], dict[int, object]]:
    """Split the marked rows into rows not given (refused ones too), errors and refusals."""
    not_given: list[int] = []
    bad: dict[int, list[ErrorDetails]] = {}
    refusals: dict[int, object] = {}
    for j in where:
        mark = marks[j]
        if mark.errors is not None:
            bad[j] = mark.errors
        else:
            not_given.append(j)
            if mark.refused is not None:
                refusals[j] = mark.refused
    return not_given, bad, refusals
