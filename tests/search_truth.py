"""The search tests' query set and what each query must find, computed from the data.

A task contains a query when one of its fields holds it as one unbroken string: the
requirement text, a name of one of its units (as printed in the task, canonical, other
names), the title of its section or of a section above it, a theme name. Strings are compared
as the site compares them (generator.search.folded: NFKC, lower case, each run of punctuation
and spaces as one gap), which for a query of letters alone is plain substring search.

Shared by tests/browser/test_search.py, tests/browser/test_search_fallback.py,
tests/test_search_index.py and benchmarks/search_benchmark.py.
"""
from __future__ import annotations

from collections import Counter

from generator import views
from generator.model import Site, Task
from generator.search import folded
from generator.wrapped_text import display_text

# Words and phrases people type, numbers, single letters.
WORDS = [
    "养老", "疫情", "双减", "公报", "医保", "就业", "听证", "街道", "乡镇", "教育", "预算", "征收", "住房",
    "营商环境", "依申请公开", "重大行政决策", "政策解读", "信息公开", "政务公开", "公共资源交易", "退役军人",
    "新旧动能转换", "双随机、一公开", "双随机一公开", "12345", "12345热线", "2022", "2023", "改", "情", "政", "局",
    "老年人", "残疾人", "食品安全", "安全生产", "乡村振兴", "一网通办", "民生", "回应关切", "政府信息公开",
    "政务新媒体", "网站", "数据开放", "公开", "第一", "人大代表建议", "政协提案", "行政规范性文件", "财政", "审计",
    "APP", "ａｐｐ", "政务服务", "标准目录", "年度报告",
]
# The false matches issue 13 lists: a slip, words on no task, pinyin, and a unit name whose
# characters stand apart on many pages.
FALSE_MATCHES = ["政物公开", "医院", "yanglao", "区政府办公室"]
# Unit names: full, short, other names (more are added from the data in query_set).
UNITS = [
    "区发改局", "发改局", "区发展改革局", "区发改委", "区人社局", "人社局", "区人力资源社会保障局", "区卫健局",
    "卫生健康局", "区大数据局", "区府办", "区市场监管局", "区市场监督管理局", "区住建局", "区住房和城乡建设局",
    "区教体局", "区教育体育局", "区司法局", "区民政局", "各街道办事处", "区委宣传部",
]
ALIAS_GROUP = ("区发改局", "发改局", "区发展改革局")  # the example: one unit, three names


def section_titles(task: Task) -> list[str]:
    return [section.title for section in views.section_chain(task.plan, task.section)]


def unit_names(task: Task) -> list[str]:
    names: list[str] = []
    for task_unit in task.units:
        names += [task_unit.name, *task_unit.unit.all_names]
    return list(dict.fromkeys(names))


def task_fields(task: Task) -> dict[str, list[str]]:
    """What a query is matched against, by field (generator/search.py's FIELDS): the text as
    the pages show it (a PDF's wrapped lines joined, generator/wrapped_text.py)."""
    return {"text": [display_text(task.text)], "units": unit_names(task), "sections": section_titles(task),
            "themes": [theme.name for theme in task.themes]}


def holds(names: list[str], query: str) -> bool:
    needle = folded(query)
    return bool(needle) and any(needle in folded(name) for name in names)


def matched_fields(task: Task, query: str) -> list[str]:
    return [field for field, names in task_fields(task).items() if holds(names, query)]


def expected_urls(site: Site, query: str) -> set[str]:
    """The tasks that contain `query` (URL paths such as /changqing/2022/1/)."""
    return {"/" + views.task_url(task) for task in site.tasks if matched_fields(task, query)}


def query_set(site: Site) -> list[str]:
    """At least 100 queries: the lists above, and from the data the names of the units with
    the most tasks (every name, and the canonical name without its leading 区), theme names,
    district names, and section titles whole and in part."""
    queries = WORDS + FALSE_MATCHES + UNITS
    counts = Counter(task_unit.unit.key for task in site.tasks for task_unit in task.units)
    units = {task_unit.unit.key: task_unit.unit for task in site.tasks for task_unit in task.units}
    for key, _ in counts.most_common(12):
        unit = units[key]
        queries += [*unit.all_names, unit.name.removeprefix("区")]
    queries += [theme.name for theme in site.themes] + [district.name for district in site.districts]
    for plan in site.plans:
        top = [section for section in plan.sections if section.parent_id is None]
        for section in top[:2]:
            queries.append(section.title)
            runs = folded(section.title).split(" ")
            queries.append(max(runs, key=len)[-6:])  # a part of a title
    return list(dict.fromkeys(query for query in queries if query.strip()))
