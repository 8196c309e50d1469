"""Read YAML keeping each value's line and column; write YAML the way staff will edit it.

Dates stay strings when read (the timestamp resolver is removed) so that an impossible date
such as 2023-02-30 becomes a validation error with a line number instead of a crash.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from generator.errors import DataError, Problem

Positions = dict[tuple[Any, ...], tuple[int, int]]  # field path -> (line, column), 1-based


class _Loader(yaml.SafeLoader):
    pass


_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def field_path(path: tuple[Any, ...]) -> str:
    """("tasks", 3, "deadline") -> "tasks[3].deadline"."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def read_text(path: Path) -> str:
    """Decode a data file strictly: UTF-8, no BOM, no tab characters in indentation."""
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raise DataError([Problem(path, 1, 1, "", "文件以 UTF-8 BOM（字节顺序标记）开头。",
                                 "用编辑器另存为“UTF-8”（不带 BOM）。VS Code：点右下角“UTF-8 with BOM”，选“通过编码保存”→“UTF-8”。")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DataError([Problem(path, line, column, "", f"文件不是 UTF-8 编码（第 {exc.start} 字节无法解码）。",
                                 "把文件另存为 UTF-8 编码（不要用 GBK/GB2312），再提交。")]) from None
    if not text.strip():
        raise DataError([Problem(path, 1, 1, "", "文件是空的。", "恢复文件内容，或删除这个文件。")])
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip(" ")
        if stripped.startswith("\t"):
            raise DataError([Problem(path, number, len(line) - len(stripped) + 1, "",
                                     "这一行用制表符（Tab）缩进，YAML 只允许空格缩进。",
                                     "把行首的 Tab 换成空格（每级两个空格）。")])
    return text


def load(path: Path) -> tuple[Any, Positions]:
    """Parse one YAML file; raise DataError naming file and line on any problem."""
    text = read_text(path)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise DataError([Problem(path, 1, 1, "", "文件里没有数据。", "恢复文件内容。")])
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        what = " ".join(s for s in (exc.context, exc.problem) if s)
        raise DataError([Problem(path, line, column, "", f"YAML 格式错误：{what}。",
                                 "检查这一行和上一行的缩进、冒号和引号；文字里有冒号时给整段文字加引号。")]) from None
    except yaml.YAMLError as exc:
        raise DataError([Problem(path, None, None, "", f"YAML 格式错误：{exc}", "检查文件格式。")]) from None
    finally:
        loader.dispose()
    positions: Positions = {}
    _walk(node, (), positions)
    return data, positions


def _walk(node: yaml.Node, path: tuple[Any, ...], out: Positions) -> None:
    out[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            _walk(value_node, path + (key_node.value,), out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, path + (index,), out)


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
