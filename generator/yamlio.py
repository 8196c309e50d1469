"""Read YAML keeping each value's line and column; write YAML the way staff will edit it.

The data files come from pull requests, so the reader treats them as untrusted:
- size and nesting depth are capped, and anchors/aliases are refused (they have no use in
  these files, and a few hundred bytes of nested aliases expand to gigabytes);
- a key written twice in one mapping is an error instead of the last one silently winning;
- every reader failure (not UTF-8, a control character, a folder or a broken link where a
  file should be) becomes a Problem naming the file and line, never a traceback.
libyaml (PyYAML's C parser) does the scanning when it is installed: it keeps line numbers
and is several times faster than the pure-Python reader.

Dates stay strings when read (the timestamp resolver is removed) so that an impossible date
such as 2023-02-30 becomes a validation error with a line number instead of a crash.
"""
from __future__ import annotations

import errno
import re
from pathlib import Path
from typing import Any

import yaml

from generator.errors import DataError, Problem

Positions = dict[tuple[Any, ...], tuple[int, int]]  # field path -> (line, column), 1-based

MAX_FILE_BYTES = 8 * 1024 * 1024  # a 2,000-task plan is about 2 MB
MAX_DEPTH = 20  # a plan nests 6 deep (tasks[3].units[0].name); deeper is a mistake or an attack

_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc, valid-type]
    pass


_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

# What YAML 1.1 allows in a stream (its "printable" set): anything else, NUL first, is refused
# here with a position, before the parser refuses it with a traceback-shaped message.
_NOT_PRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")


def field_path(path: tuple[Any, ...]) -> str:
    """("tasks", 3, "deadline") -> "tasks[3].deadline"."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _fail(path: Path, line: int | None, column: int | None, message: str, hint: str) -> DataError:
    return DataError([Problem(path, line, column, "", message, hint)])


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def read_bytes(path: Path) -> bytes:
    """The file's bytes, or a DataError that says why it cannot be read."""
    try:
        if path.is_dir():
            raise _fail(path, None, None, "这是一个文件夹，不是数据文件。",
                        "数据文件夹里以 .yaml 结尾的必须是文件：给这个文件夹改名，或把它移走。")
        if path.is_symlink() and not path.exists():
            raise _fail(path, None, None, "这是一个链接，但它指向的文件不存在。", "删掉这个链接，或换成真正的文件。")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _fail(path, None, None, f"文件太大：{size // 1024} KB，超过上限 {MAX_FILE_BYTES // 1024 // 1024} MB。",
                        "一个计划文件不会这么大：检查是否误粘贴了大量内容，或把数据分到多个文件。")
        return path.read_bytes()
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            raise _fail(path, None, None, "找不到这个文件。", "检查文件名和路径，或恢复这个文件。") from None
        raise _fail(path, None, None, f"无法读取这个文件：{exc.strerror or exc}。",
                    "检查文件是否存在、是否有读取权限。") from None


def read_text(path: Path) -> str:
    """Decode a data file strictly: UTF-8, no BOM, no control characters, no tab indentation."""
    raw = read_bytes(path)
    if raw.startswith(b"\xef\xbb\xbf"):
        raise _fail(path, 1, 1, "文件以 UTF-8 BOM（字节顺序标记）开头。",
                    "用编辑器另存为“UTF-8”（不带 BOM）。VS Code：点右下角“UTF-8 with BOM”，选“通过编码保存”→“UTF-8”。")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise _fail(path, line, column, f"文件不是 UTF-8 编码（第 {exc.start} 字节无法解码）。",
                    "把文件另存为 UTF-8 编码（不要用 GBK/GB2312），再提交。") from None
    if not text.strip():
        raise _fail(path, 1, 1, "文件是空的。", "恢复文件内容，或删除这个文件。")
    bad = _NOT_PRINTABLE.search(text)
    if bad:
        line, column = _line_column(text, bad.start())
        raise _fail(path, line, column, f"文件里有不可见的控制字符 U+{ord(bad.group()):04X}。",
                    "删掉这个字符（它常来自从别的软件复制粘贴）；用编辑器的“显示不可见字符”可以看到它。")
    for number, line_text in enumerate(text.splitlines(), 1):
        stripped = line_text.lstrip(" ")
        if stripped.startswith("\t"):
            raise _fail(path, number, len(line_text) - len(stripped) + 1,
                        "这一行用制表符（Tab）缩进，YAML 只允许空格缩进。", "把行首的 Tab 换成空格（每级两个空格）。")
    return text


def _check_events(path: Path, text: str) -> None:
    """Refuse anchors, aliases and deep nesting before anything is built from the text."""
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        mark = event.start_mark
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _fail(path, mark.line + 1, mark.column + 1, "数据文件里不能用 YAML 锚点和别名（& 和 *）。",
                        "把别名处改成完整写出的内容；文字以 & 或 * 开头时，整段加引号。")
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise _fail(path, mark.line + 1, mark.column + 1, f"嵌套层数超过上限 {MAX_DEPTH} 层。",
                            "检查这一行附近多余的 [ 或 { 和缩进。")
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def load(path: Path) -> tuple[Any, Positions]:
    """Parse one YAML file; raise DataError naming file and line on any problem."""
    text = read_text(path)
    try:
        _check_events(path, text)
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                raise _fail(path, 1, 1, "文件里没有数据。", "恢复文件内容。")
            positions: Positions = {}
            duplicates: list[Problem] = []
            _walk(node, (), positions, path, duplicates)
            if duplicates:
                raise DataError(duplicates)
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        what = " ".join(s for s in (exc.context, exc.problem) if s)
        raise _fail(path, line, column, f"YAML 格式错误：{what}。",
                    "检查这一行和上一行的缩进、冒号和引号；文字里有冒号时给整段文字加引号。") from None
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        raise _fail(path, None, None, f"YAML 格式错误：{exc}", "检查文件格式。") from None
    return data, positions


def _walk(node: yaml.Node, path: tuple[Any, ...], out: Positions, file: Path, duplicates: list[Problem]) -> None:
    out[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                mark = key_node.start_mark
                duplicates.append(Problem(file, mark.line + 1, mark.column + 1, field_path(path),
                                          "字段名必须是一段文字，这里却是列表或键值对。", "检查这一行开头的 ? [ { 符号和缩进。"))
                continue
            key = key_node.value
            if key in seen:
                mark = key_node.start_mark
                duplicates.append(Problem(file, mark.line + 1, mark.column + 1, field_path(path + (key,)),
                                          f"字段“{key}”在这里写了两次（第一次在第 {seen[key]} 行）。",
                                          "删掉多余的一处：同一层里每个字段只能写一次。"))
            else:
                seen[key] = key_node.start_mark.line + 1
            _walk(value_node, path + (key,), out, file, duplicates)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, path + (index,), out, file, duplicates)


def position(positions: Positions, path: tuple[Any, ...]) -> tuple[int | None, int | None]:
    """The position of `path`, or of its nearest parent that has one."""
    while path not in positions and path:
        path = path[:-1]
    return positions.get(path, (None, None))


class _Dumper(yaml.SafeDumper):
    pass


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def dump(data: Any, schema_ref: str | None = None) -> str:
    """YAML for people: key order kept, Chinese unescaped, a schema line on top."""
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=4096, indent=2)
    head = f"# yaml-language-server: $schema={schema_ref}\n" if schema_ref else ""
    return head + body
