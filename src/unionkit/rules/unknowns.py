"""Undetermined answers: for each member and rule left unknown, the missing inputs behind it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
from attrs import frozen

from unionkit.rules.columns import Columns, Groups
from unionkit.rules.expr import Call, Expr, Field, GroupAgg, Lit, Ref, children, walk
from unionkit.rules.interpret import open_run
from unionkit.rules.program import Program
from unionkit.rules.schema import FIELD_LABELS
from unionkit.rules.trace import Tracer
from unionkit.rules.values import Val, ndim

__all__ = [
    "MissingInput",
    "Undetermined",
    "blame_rules",
    "groupings",
    "missing_inputs",
    "nested",
    "undetermined",
    "undetermined_text",
]

Array = np.ndarray[Any, Any]

_COLUMNS = ("member_id", "row", "rule", "field", "label_zh", "label_en", "of_member", "of_row")
"""The columns of an undetermined frame, in order."""


@frozen
class MissingInput:
    """
    One input that is missing and keeps a rule's answer undetermined.

    Attributes:
        field: The input field (``monthly_income``).
        label_zh: What it is, in Chinese.
        label_en: What it is, in English.
        member: Whose input it is (a ``member_id``): the member explained, or another
            member of their household for a household total; None when the input has
            no member ids.

    .. versionadded:: Unreleased
    """

    field: str
    label_zh: str
    label_en: str
    member: str | None

    def text(self, lang: str, of: str | None = None) -> str:
        """
        The input as a reader sees it: its label, and whose it is when not *of*'s own.

        Args:
            lang: ``zh`` or ``en``.
            of: The member being explained (their own inputs are not marked).

        Returns:
            ``月收入`` or ``月收入（成员 H0002）`` / ``monthly income (of member H0002)``.
        """
        label = self.label_zh if lang == "zh" else self.label_en
        if self.member is None or self.member == of:
            return label
        return (
            f"{label}（成员 {self.member}）"
            if lang == "zh"
            else f"{label} (of member {self.member})"
        )


def field_labels(name: str) -> tuple[str, str]:
    """The Chinese and English labels of the input field *name* (the name when it has none)."""
    zh, en, _, _ = FIELD_LABELS.get(name, (name, name, "", ""))
    return zh, en


# --- which inputs a missing value came from ---------------------------------------------------

_Triples = tuple[Array, Array, Array]
"""``(row, field, source)``: row *row* (of a node's value) is unknown because *field* of
the member at *source* is missing. A node's triples exist only at the rows where it is unknown."""

_EMPTY: _Triples = (
    np.zeros(0, dtype=np.int64),
    np.zeros(0, dtype=np.int64),
    np.zeros(0, dtype=np.int64),
)


class _Blame:
    """Works out, from a traced run, which missing inputs each unknown value depends on."""

    def __init__(self, program: Program, tracer: Tracer, n: int) -> None:
        self.program = program
        self.tracer = tracer
        self.n = n
        self.fields: dict[str, int] = {}
        self.memo: dict[Expr, _Triples] = {}
        self.rules: dict[str, _Triples] = {}

    def field_id(self, name: str) -> int:
        return self.fields.setdefault(name, len(self.fields))

    def groups(self, by: str) -> Groups:
        return self.tracer.groups[by]

    def mask(self, v: Val) -> Array | None:
        """Where *v* is unknown, over its own rows (None when nowhere)."""
        m = v.missing
        if m is None:
            return None
        if ndim(m) == 0:
            if not m:
                return None
            size = self.n if v.by is None else self.groups(v.by).n
            return np.ones(size, dtype=bool)
        return m if m.any() else None

    def to_member(self, t: _Triples, by: str | None) -> _Triples:
        """Triples over the groups of *by* repeated on each member of their group."""
        if by is None or not len(t[0]):
            return t
        g = self.groups(by)
        order, starts = g.sorted()
        rows, f, s = t
        counts = g.size[rows]
        rep = np.repeat(np.arange(len(rows)), counts)
        ends = np.cumsum(counts)
        within = np.arange(int(ends[-1]) if len(ends) else 0) - np.repeat(ends - counts, counts)
        members = order[starts[rows][rep] + within]
        return members, f[rep], s[rep]

    def into(self, t: _Triples, child: Val, parent: Val, where: Array | None) -> _Triples:
        """A child's triples over the parent's rows, kept where *where* (the parent unknown)."""
        if not len(t[0]):
            return t
        if child.by != parent.by:
            t = self.to_member(t, child.by)
            if parent.by is not None:
                t = (self.groups(parent.by).codes[t[0]], t[1], t[2])
        if where is None:
            return _EMPTY
        keep = where[t[0]]
        return t[0][keep], t[1][keep], t[2][keep]

    def over(self, x: Any, child: Val, parent: Val, size: int) -> Array:
        """A per-row array (or a scalar) of *child* brought to the *size* rows of *parent*."""
        if ndim(x) == 0:
            return np.full(size, x)
        if child.by != parent.by and child.by is not None:
            x = np.asarray(x)[self.groups(child.by).codes]
        return np.asarray(x)

    def rule(self, name: str) -> _Triples:
        """The triples of the rule *name*'s value (after its missing policy)."""
        found = self.rules.get(name)
        if found is not None:
            return found
        value = self.tracer.rules.get(name)
        expr = self.program.rules[name].expr
        if value is None or self.mask(value) is None:
            found = _EMPTY
        else:
            inner = self.node(expr)
            found = _unique(self.into(inner, self.tracer.values[expr], value, self.mask(value)))
        self.rules[name] = found
        return found

    def node(self, root: Expr) -> _Triples:
        """The triples of the node *root* (an explicit stack: rule trees can be deep)."""
        memo = self.memo
        stack: list[tuple[Expr, bool]] = [(root, False)]
        while stack:
            e, ready = stack.pop()
            if e in memo:
                continue
            v = self.tracer.values.get(e)
            where = None if v is None else self.mask(v)
            if v is None or where is None or isinstance(e, Lit):
                memo[e] = _EMPTY
                continue
            if isinstance(e, Field):
                rows = np.flatnonzero(where)
                memo[e] = (rows, np.full(len(rows), self.field_id(e.name)), rows)
                continue
            if isinstance(e, Ref):
                memo[e] = self.rule(e.name)
                continue
            kids = children(e)
            if not ready:
                stack.append((e, True))
                stack.extend((k, False) for k in kids if k not in memo)
                continue
            memo[e] = self.combine(e, v, where, kids)
        return memo[root]

    def combine(self, e: Expr, v: Val, where: Array, kids: Sequence[Expr]) -> _Triples:
        values = self.tracer.values
        if isinstance(e, GroupAgg):
            # a group's total is unknown through any member's missing input: name that member
            parts = []
            for k in kids:
                kv = values.get(k)
                if kv is not None:
                    t = self.to_member(self.memo[k], kv.by)
                    codes = self.groups(e.by).codes
                    t = (codes[t[0]], t[1], t[2])
                    keep = where[t[0]]
                    parts.append((t[0][keep], t[1][keep], t[2][keep]))
            return _concat(parts)
        if isinstance(e, Call) and e.fn == "where" and kids[0] in values:
            # the condition's inputs when it is unknown, else only the chosen branch's
            c = values[kids[0]]
            size = len(where)
            cm = c.missing
            unknown = self.over(np.zeros(size, dtype=bool) if cm is None else cm, c, v, size)
            chosen = self.over(c.values, c, v, size).astype(bool)
            picks = (where & unknown, where & ~unknown & chosen, where & ~unknown & ~chosen)
            parts = []
            for k, keep in zip(kids, picks, strict=True):
                kv = values.get(k)
                if kv is not None:
                    parts.append(self.into(self.memo[k], kv, v, keep))
            return _concat(parts)
        parts = []
        for k in kids:
            kv = values.get(k)
            if kv is not None:
                parts.append(self.into(self.memo[k], kv, v, where))
        return _concat(parts)


def _concat(parts: Sequence[_Triples]) -> _Triples:
    parts = [p for p in parts if len(p[0])]
    if not parts:
        return _EMPTY
    if len(parts) == 1:
        return parts[0]
    return (
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        np.concatenate([p[2] for p in parts]),
    )


def _unique(t: _Triples) -> _Triples:
    """The triples sorted by row, field and source, without repeats."""
    if len(t[0]) <= 1:
        return t
    order = np.lexsort((t[2], t[1], t[0]))
    rows, f, s = t[0][order], t[1][order], t[2][order]
    new = np.ones(len(rows), dtype=bool)
    new[1:] = (rows[1:] != rows[:-1]) | (f[1:] != f[:-1]) | (s[1:] != s[:-1])
    return rows[new], f[new], s[new]


def blame_rules(
    program: Program, tracer: Tracer, rules: Sequence[str], n: int
) -> tuple[dict[str, _Triples], list[str]]:
    """
    For each of *rules*, which missing inputs leave it unknown, per member, from a traced run.

    Exact where the engine's answer allows: an ``or`` decided by a known yes, an
    ``and`` decided by a known no, a ``where`` branch not taken and a
    ``coalesce`` default not needed name nothing; an unknown ``where``
    condition names the condition's inputs only; a group aggregate names the
    members whose inputs are missing (every one when it skips none).

    Args:
        program: The compiled rule set.
        tracer: The tracer of a run of *rules* over *n* member rows.
        rules: The rules wanted.
        n: How many member rows the run had.

    Returns:
        ``{rule: (row, field, source)}`` (member rows of the run, sorted, unique) and the
        field names the field numbers stand for.
    """
    b = _Blame(program, tracer, n)
    out: dict[str, _Triples] = {}
    wanted = set(rules)
    for name in program.needed(rules):  # dependencies first: no recursion along a chain
        t = b.rule(name)
        if name in wanted:
            value = tracer.rules[name]
            out[name] = _unique(b.to_member(t, value.by))
    return out, list(b.fields)


def missing_inputs(
    program: Program, tracer: Tracer, cols: Columns, rule: str, row: int
) -> tuple[MissingInput, ...]:
    """
    The missing inputs that leave *rule* undetermined for the member at *row* of a traced run.

    Args:
        program: The compiled rule set.
        tracer: The tracer of a run of *rule* over *cols*.
        cols: The run's input (the member's rows and their household's).
        rule: The rule.
        row: The member's row in *cols*.

    Returns:
        The inputs, by field and then member (empty when the value is known, or
        unknown with no input missing).
    """
    found, names = blame_rules(program, tracer, [rule], cols.n)
    at, f, src = found[rule]
    hit = at == row
    ids = cols.get("member_id")[0] if cols.has("member_id") else None
    out = []
    for fi, si in zip(f[hit].tolist(), src[hit].tolist(), strict=True):
        zh, en = field_labels(names[fi])
        out.append(MissingInput(names[fi], zh, en, None if ids is None else str(ids[si])))
    return tuple(out)


def undetermined_text(
    label_zh: str,
    label_en: str,
    missing: Sequence[MissingInput],
    lang: str,
    member: str | None = None,
) -> str:
    """
    The conclusion for an undetermined answer: the rule, "undetermined", the missing inputs.

    Args:
        label_zh: The rule's Chinese label.
        label_en: The rule's English label.
        missing: The missing inputs (their labels and whose they are; never a value).
        lang: ``zh`` or ``en``.
        member: The member explained (their own inputs are named without their id).

    Returns:
        ``低收入困难：待定（无法确定），缺少：年可支配收入（成员 c）`` and the like.
    """
    shown = list(dict.fromkeys(m.text(lang, member) for m in missing))
    if lang == "zh":
        if not shown:
            return f"{label_zh}：待定（无法确定）：没有缺失的输入，某个计算结果无定义（如除以零）"
        return f"{label_zh}：待定（无法确定），缺少：{'、'.join(shown)}"
    label = label_en[:1].upper() + label_en[1:]
    if not shown:
        return (
            f"{label}: undetermined: no input is missing, "
            "a computed value is undefined (such as a division by zero)"
        )
    return f"{label}: undetermined, missing: {', '.join(shown)}"


# --- which rows an undetermined member's answer depends on -----------------------------------


def groupings(program: Program, e: Expr) -> set[str]:
    """The grouping columns the value of *e* depends on, through the rules it reads."""
    out: set[str] = set()
    seen: set[str] = set()
    stack = [e]
    while stack:
        x = stack.pop()
        if isinstance(x, GroupAgg):
            out.add(x.by)
        if isinstance(x, Ref):
            if x.name not in seen:
                seen.add(x.name)
                stack.append(program.rules[x.name].expr)
            continue
        stack.extend(children(x))
    return out


def nested(program: Program, rule: str) -> bool:
    """
    Whether *rule* aggregates, over one grouping, values aggregated over another.

    Then a member's household alone is not enough to compute them: the other
    groups of its members are needed too, and so on, until no group is cut.
    """
    memo = program.memo("explain.nested")
    found = memo.get(rule)
    if found is None:
        found = memo[rule] = any(
            bool(groupings(program, c) - {g.by})
            for n in program.needed([rule])
            for g in walk(program.rules[n].expr)
            if isinstance(g, GroupAgg)
            for c in children(g)
        )
    return bool(found)


def _closure(cols: Columns, seed: Array, groups: Iterable[str], transitive: bool) -> Array:
    """The rows of *seed* and of every group (household) they belong to."""
    selected = seed.copy()
    while True:
        reached = selected.copy()
        for by in groups:
            keys, missing = cols.get(by)
            known = reached if missing is None else (reached & ~missing)
            if known.any():
                same = np.isin(keys, np.unique(keys[known]))
                selected |= same if missing is None else (same & ~missing)
        if not transitive or int(selected.sum()) == int(reached.sum()):
            return np.flatnonzero(selected)


# --- the companion frame of a batch run ---------------------------------------------------


class Undetermined:
    """
    The members whose answers are undetermined, per rule, with the missing inputs named.

    One entry per member, rule and missing input; a member and rule whose answer is
    unknown without any input missing (a division by zero) has one entry with no
    field. Only field names, their labels and member ids appear, never a value.

    .. versionadded:: Unreleased
    """

    __slots__ = ("_field", "_fields", "_member", "_of_member", "_of_row", "_row", "_rule", "rules")

    def __init__(
        self,
        rules: Sequence[str],
        fields: Sequence[str],
        *,
        row: Array,
        rule: Array,
        field: Array,
        of_row: Array,
        ids: Array | None,
    ) -> None:
        self.rules = tuple(rules)
        self._fields = tuple(fields)
        self._row = row
        self._rule = rule
        self._field = field
        self._of_row = of_row
        known = of_row >= 0
        if ids is None:
            self._member: Array | None = None
            self._of_member: Array | None = None
        else:
            self._member = np.array([str(x) for x in ids[row].tolist()], dtype=object)
            who = np.full(len(row), None, dtype=object)
            who[known] = [str(x) for x in ids[of_row[known]].tolist()]
            self._of_member = who

    @classmethod
    def empty(cls, rules: Sequence[str]) -> Undetermined:
        """No member undetermined for any of *rules*."""
        none = np.zeros(0, dtype=np.int64)
        return cls(rules, (), row=none, rule=none, field=none, of_row=none, ids=None)

    def __len__(self) -> int:
        return len(self._row)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.records())

    def counts(self) -> dict[str, int]:
        """How many members are undetermined per rule (every rule listed, zero included)."""
        out = dict.fromkeys(self.rules, 0)
        for r, _ in {
            (r, row) for r, row in zip(self._rule.tolist(), self._row.tolist(), strict=True)
        }:
            out[self.rules[r]] += 1
        return out

    def inputs(self, among: Sequence[bool] | None = None) -> dict[str, dict[str, int]]:
        """
        Per rule, for each missing input field, how many undetermined members it holds up.

        Args:
            among: Count only the members at the positions that are true (union
                members, say); everyone when None.
        """
        out: dict[str, dict[str, int]] = {r: {} for r in self.rules}
        triples = zip(self._rule.tolist(), self._field.tolist(), self._row.tolist(), strict=True)
        for r, f, row in {t for t in triples if t[1] >= 0}:
            if among is None or among[row]:
                counts = out[self.rules[r]]
                counts[self._fields[f]] = counts.get(self._fields[f], 0) + 1
        return out

    def records(self) -> list[dict[str, Any]]:
        """One dict per entry, with the keys of :meth:`frame`."""
        out = []
        for i in range(len(self._row)):
            f = int(self._field[i])
            name = self._fields[f] if f >= 0 else None
            zh, en = field_labels(name) if name else (None, None)
            of_row = int(self._of_row[i])
            out.append(
                {
                    "member_id": None if self._member is None else self._member[i],
                    "row": int(self._row[i]),
                    "rule": self.rules[int(self._rule[i])],
                    "field": name,
                    "label_zh": zh,
                    "label_en": en,
                    "of_member": None if self._of_member is None else self._of_member[i],
                    "of_row": of_row if of_row >= 0 else None,
                }
            )
        return out

    def missing(self, rule: str, row: int) -> tuple[MissingInput, ...]:
        """The missing inputs named for the member at *row* and *rule* (empty when none)."""
        if rule not in self.rules:
            return ()
        hit = np.flatnonzero((self._rule == self.rules.index(rule)) & (self._row == row))
        out = []
        for i in hit.tolist():
            f = int(self._field[i])
            if f < 0:
                continue
            zh, en = field_labels(self._fields[f])
            who = None if self._of_member is None else self._of_member[i]
            out.append(MissingInput(self._fields[f], zh, en, who))
        return tuple(out)

    def frame(self, kind: str = "dict") -> Any:
        """
        The entries as a frame: ``pandas``, ``polars`` or (default) a dict of numpy arrays.

        Columns: ``member_id`` (None without ids), ``row`` (the member's position in the
        input), ``rule``, ``field`` (None when no input is missing), ``label_zh``,
        ``label_en``, ``of_member`` and ``of_row`` (whose input it is).
        """
        rows = self.records()
        columns = {c: [r[c] for r in rows] for c in _COLUMNS}
        if kind == "pandas":
            import pandas as pd

            return pd.DataFrame(columns, columns=list(_COLUMNS))
        if kind == "polars":
            import polars as pl

            schema = {c: (pl.Int64 if c in ("row", "of_row") else pl.String) for c in _COLUMNS}
            return pl.DataFrame(columns, schema=schema)
        out: dict[str, Array] = {}
        for c in _COLUMNS:
            arr = np.empty(len(rows), dtype=object)
            arr[:] = columns[c]
            out[c] = arr
        return out


def undetermined(
    program: Program,
    cols: Columns,
    as_of: Any,
    rules: Sequence[str],
    missing: Mapping[str, Array | None],
) -> Undetermined:
    """
    Name the missing inputs behind every undetermined answer of a batch run.

    Only the undetermined members and the groups (households) they belong to are
    evaluated again, traced: nothing is done when no answer is unknown.

    Args:
        program: The compiled rule set.
        cols: The batch run's input.
        as_of: Its evaluation date.
        rules: The rules it computed.
        missing: Each rule's per-member unknown mask from the batch run (None: all known).

    Returns:
        The entries, per member, rule and missing input.
    """
    masks = {r: m for r, m in missing.items() if m is not None and m.any()}
    if not masks:
        return Undetermined.empty(rules)
    wanted = [r for r in rules if r in masks]
    seed = np.zeros(cols.n, dtype=bool)
    for m in masks.values():
        seed |= m
    _, groups = program.inputs(wanted)
    rows = _closure(cols, seed, sorted(groups), any(nested(program, r) for r in wanted))
    fields, _ = program.inputs(wanted)
    names = sorted(set(fields) | set(groups) | ({"member_id"} & set(program.fields)))
    sub = cols.take(rows, [n for n in names if cols.has(n)])
    tracer = Tracer()
    open_run(program, sub, as_of, wanted, tracer=tracer).run()
    found, field_names = blame_rules(program, tracer, wanted, len(rows))
    parts_row, parts_rule, parts_field, parts_src = [], [], [], []
    for r in wanted:
        unknown = masks[r][rows]  # the batch's own answer decides who is undetermined
        at, f, src = found[r]
        keep = unknown[at]
        at, f, src = at[keep], f[keep], src[keep]
        bare = np.flatnonzero(unknown)
        bare = bare[~np.isin(bare, at)]
        ri = list(rules).index(r)
        parts_row += [rows[at], rows[bare]]
        parts_field += [f, np.full(len(bare), -1, dtype=np.int64)]
        parts_src += [rows[src], np.full(len(bare), -1, dtype=np.int64)]
        parts_rule.append(np.full(len(at) + len(bare), ri, dtype=np.int64))
    row = np.concatenate(parts_row).astype(np.int64)
    rule = np.concatenate(parts_rule)
    field = np.concatenate(parts_field).astype(np.int64)
    src = np.concatenate(parts_src).astype(np.int64)
    order = np.lexsort((src, field, rule, row))
    ids = None
    if cols.has("member_id"):
        ids = cols.get("member_id")[0]
    return Undetermined(
        rules,
        field_names,
        row=row[order],
        rule=rule[order],
        field=field[order],
        of_row=src[order],
        ids=ids,
    )
