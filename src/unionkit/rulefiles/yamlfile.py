"""The safe YAML reader for rule files: plain data only, with the line of every key and value."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Protocol

import yaml
from attrs import frozen

from unionkit.errors import RuleDefinitionError

__all__ = [
    "MAX_YAML_DEPTH",
    "MAX_YAML_NODES",
    "Path_",
    "RuleSource",
    "YamlDocument",
    "read_yaml",
]

MAX_YAML_NODES = 200_000
"""The most YAML nodes (after expanding aliases) one file may hold; stops alias bombs."""

MAX_YAML_DEPTH = 64
"""The deepest nesting of mappings and lists accepted in a YAML file."""

_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_FLOAT = "tag:yaml.org,2002:float"
_INT = "tag:yaml.org,2002:int"
_STR = "tag:yaml.org,2002:str"

Path_ = tuple[str | int, ...]


class _Readable(Protocol):
    def read_text(self, encoding: str = ...) -> str: ...


RuleSource = str | os.PathLike[str] | _Readable
"""A rule file given as a path, a ``Traversable`` (``importlib.resources``), or YAML text.

A ``str`` is YAML text unless it is a single line ending in ``.yaml`` or ``.yml``,
in which case it is a path.
"""


@frozen
class YamlDocument:
    """
    A YAML file read into plain values, with the line of every key and value.

    Attributes:
        name: The file name (or ``<string>``) used in error messages.
        data: The plain data: dicts, lists, str, int, ``Decimal`` (never float), bool, date, None.
        key_lines: ``{path: line}`` of the key that names each value (1-based).
        value_lines: ``{path: line}`` where each value's content starts (1-based).
    """

    name: str
    data: object
    key_lines: Mapping[Path_, int]
    value_lines: Mapping[Path_, int]

    def line_of(self, path: Sequence[str | int]) -> int:
        """Return the line of *path*, or of its nearest ancestor that has one."""
        key = tuple(path)
        while key:
            if key in self.key_lines:
                return self.key_lines[key]
            if key in self.value_lines:
                return self.value_lines[key]
            key = key[:-1]
        return self.value_lines.get((), 1)

    def where(self, path: Sequence[str | int]) -> str:
        """Return ``"file, line N"`` for *path*."""
        return f"{self.name}, line {self.line_of(path)}"


def _source_text(source: RuleSource) -> tuple[str, str]:
    if isinstance(source, str):
        single = "\n" not in source and source.strip().endswith((".yaml", ".yml"))
        if not single:
            return "<string>", source
        source = Path(source.strip())
    name = os.fspath(source) if isinstance(source, os.PathLike) else str(source)
    try:
        if isinstance(source, os.PathLike):
            return name, Path(source).read_text(encoding="utf-8")
        return name, source.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise RuleDefinitionError(f"{name}: file not found / 找不到文件") from exc
    except UnicodeDecodeError as exc:
        raise RuleDefinitionError(
            f"{name}: not UTF-8 text ({exc.reason}) / 不是 UTF-8 编码的文本"
        ) from exc
    except OSError as exc:
        raise RuleDefinitionError(f"{name}: cannot be read ({exc.strerror}) / 无法读取") from exc


class _Walker:
    """Turns composed YAML nodes into plain values, recording where each one was written."""

    def __init__(self, loader: yaml.SafeLoader, name: str) -> None:
        self.loader = loader
        self.name = name
        self.count = 0
        self.key_lines: dict[Path_, int] = {}
        self.value_lines: dict[Path_, int] = {}

    def fail(self, node: yaml.Node, en: str, zh: str) -> RuleDefinitionError:
        return RuleDefinitionError(f"{self.name}, line {node.start_mark.line + 1}: {en} / {zh}")

    def walk(self, node: yaml.Node, path: Path_) -> object:
        self.count += 1
        if self.count > MAX_YAML_NODES:
            raise self.fail(
                node,
                f"more than {MAX_YAML_NODES} values (alias expansion?)",
                f"超过{MAX_YAML_NODES}个值（别名展开过多？）",
            )
        if len(path) > MAX_YAML_DEPTH:
            raise self.fail(
                node, f"nested more than {MAX_YAML_DEPTH} levels", f"嵌套超过{MAX_YAML_DEPTH}层"
            )
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            self.value_lines[path] = line
            if node.tag != _MAP:
                raise self.fail(
                    node,
                    f"the tag {node.tag!r} is not allowed in a rule file",
                    f"规则文件中不允许标签 {node.tag!r}",
                )
            out: dict[str, object] = {}
            for key_node, value_node in node.value:
                key = self.scalar(key_node)
                if isinstance(key, date):
                    key = key.isoformat()
                if isinstance(key, bool) or not isinstance(key, (str, int)):
                    raise self.fail(key_node, "keys must be text or dates", "键必须是文本或日期")
                if key == "<<":
                    raise self.fail(
                        key_node, "merge keys (<<) are not supported", "不支持合并键 (<<)"
                    )
                text_key = str(key)
                if text_key in out:
                    raise self.fail(
                        key_node, f"the key {text_key!r} appears twice", f"键 {text_key!r} 重复出现"
                    )
                self.key_lines[(*path, text_key)] = key_node.start_mark.line + 1
                out[text_key] = self.walk(value_node, (*path, text_key))
            return out
        if isinstance(node, yaml.SequenceNode):
            self.value_lines[path] = line
            if node.tag != _SEQ:
                raise self.fail(
                    node,
                    f"the tag {node.tag!r} is not allowed in a rule file",
                    f"规则文件中不允许标签 {node.tag!r}",
                )
            return [self.walk(item, (*path, i)) for i, item in enumerate(node.value)]
        block = isinstance(node, yaml.ScalarNode) and node.style in ("|", ">")
        self.value_lines[path] = line + (1 if block else 0)
        return self.scalar(node)

    def scalar(self, node: yaml.Node) -> object:
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, "expected a single value here", "此处应为单个值")
        if node.tag == _FLOAT:
            # money and rates stay exact: never let YAML build a binary float
            try:
                value = Decimal(str(node.value).replace("_", ""))
            except InvalidOperation as exc:
                raise self.fail(node, f"{node.value!r} is not a number", "不是数字") from exc
            if not value.is_finite():
                raise self.fail(
                    node, "infinite or NaN numbers are not allowed", "不允许无穷大或 NaN"
                )
            if value and abs(value.adjusted()) > 18:
                # 1.0e400 is finite for Decimal but no amount, rate or age is that large.
                raise self.fail(
                    node,
                    "number too large or too small (at most 18 digits either side of the point)",
                    "数字过大或过小",
                )
            return value
        if node.tag == _INT and len(str(node.value)) > 40:
            raise self.fail(node, "number too long", "数字过长")
        try:
            value_obj: object = self.loader.construct_object(node)
        except yaml.YAMLError as exc:
            raise self.fail(
                node,
                f"the tag {node.tag!r} is not allowed in a rule file "
                "(a rule file is data, not code)",
                f"规则文件中不允许标签 {node.tag!r}（规则文件只是数据）",
            ) from exc
        if isinstance(value_obj, datetime):
            raise self.fail(
                node,
                "a date-time is not allowed here; write a date (YYYY-MM-DD)",
                "此处不允许日期时间，请写日期 (YYYY-MM-DD)",
            )
        if not isinstance(value_obj, (str, int, bool, date, type(None))):
            raise self.fail(
                node,
                f"the tag {node.tag!r} is not allowed in a rule file",
                f"规则文件中不允许标签 {node.tag!r}",
            )
        return value_obj


def read_yaml(source: RuleSource) -> YamlDocument:
    """
    Read a YAML file safely, keeping the line of every key and value.

    Only plain YAML is accepted: mappings, lists, text, integers, decimals
    (kept exact as ``Decimal``), booleans, dates and null. Any other tag (for
    example ``!!python/object``) is refused, as are merge keys, duplicate keys
    and alias bombs.

    Args:
        source: A path, a ``Traversable``, or YAML text.

    Returns:
        The document.

    Raises:
        RuleDefinitionError: The file cannot be read or is not plain YAML;
            the message names the file and line.

    .. versionadded:: 0.1.0
    """
    name, text = _source_text(source)
    try:
        loader = yaml.SafeLoader(text)  # refuses NUL and other control characters at once
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise RuleDefinitionError(
            f"{name}, line {line}: the control character U+{exc.character:04X} is not allowed "
            f"/ 第{line}行含有不允许的控制字符"
        ) from None
    walker = _Walker(loader, name)
    try:
        node = loader.get_single_node()
        data = None if node is None else walker.walk(node, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise RuleDefinitionError(
            f"{name}, line {line}: not valid YAML: {exc.problem or exc.context} / YAML 格式错误"
        ) from exc
    except yaml.YAMLError as exc:
        raise RuleDefinitionError(f"{name}: not valid YAML: {exc} / YAML 格式错误") from exc
    except RecursionError as exc:
        raise RuleDefinitionError(f"{name}: nested too deeply / 嵌套过深") from exc
    finally:
        loader.dispose()
    return YamlDocument(name, data, walker.key_lines, walker.value_lines)
