"""Command line: python -m generator <validate|import|build|serve|summary>."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.errors import BuildError, DataError, Problem
from generator.serve import ServeError

DEFAULT_DATA = Path("site_data")
DEFAULT_OUT = Path("site")
BUILD_CANCELLED = "已取消生成，上一次生成的网站保持不变。"
EXIT_INTERRUPTED = 130  # what shells report for a program stopped by Ctrl+C (128 + SIGINT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator", description="政务公开重点工作任务网站生成器")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="检查数据文件")
    p.add_argument("paths", nargs="*", type=Path, help="数据文件或文件夹（默认 site_data）")
    p.add_argument("--format", choices=("text", "github"), default="text", help="github：输出 GitHub Actions 注释")
    p.add_argument("--summary", type=Path, help="把 Markdown 摘要追加到这个文件（如 $GITHUB_STEP_SUMMARY）")
    p.add_argument("--progress", type=Path, help="进展报告文件夹（默认 数据文件夹/progress；示例：examples/progress）")

    p = sub.add_parser("import", help="把任务分解表（Word、Excel、CSV、网页、PDF、纯文本）导入成计划 YAML 草稿")
    p.add_argument("source", type=Path, help="任务表文件：.docx .xlsx .csv .html .pdf（带文字层）.txt .md")
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--year", help="计划年度，如 2023（标题里没有年份时必填）")
    p.add_argument("--name", help="发文的区县或部门名称，如 长清区、济南市卫生健康委员会（原文标题没写清时填写）")
    p.add_argument("--title", help="文件标题，照原文（认不出标题时填写）")
    p.add_argument("--level", help="层级：区、县、县级市、旗、市、省、部门、镇、街道（默认按名称判断）")
    p.add_argument("--slug", help="网址代码（拼音），如 changqing、jinan-weijian；默认按名称生成")
    p.add_argument("--city", help="所属市，原文没有时填写")
    p.add_argument("--province", help="所属省，原文没有时填写")
    p.add_argument("--force", action="store_true", help="覆盖已有的计划文件")

    p = sub.add_parser("build", help="生成网站")
    _add_build_options(p)
    p.add_argument("--timings", type=Path, help="把各步用时（秒）和内存峰值写进这个 JSON 文件（供 benchmarks/ 使用）")

    p = sub.add_parser("serve", help="生成并在本机预览网站")
    _add_build_options(p)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--no-build", action="store_true", help="直接预览已生成的网站")

    # Partitions: one site per province and a national entry site (generator/partitions.py, entry_site.py).
    p = sub.add_parser("partitions", help="列出各分区（省份）的代码，供 build --partition 使用")
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--json", action="store_true", help="输出 JSON 数组（供 GitHub Actions 的 matrix 使用）")

    p = sub.add_parser("build-entry", help="生成全国入口网站：各省份网站的链接和跨省份搜索")
    _add_entry_options(p)

    p = sub.add_parser("build-all-partitions", help="生成每个分区的网站和全国入口网站，放在同一个文件夹里（入口在 /，各省在 /<代码>/）")
    _add_entry_options(p)
    p.add_argument("--no-search", action="store_true", help="不建立搜索索引（更快，仅供调试）")
    p.add_argument("--jobs", type=_positive, help="同时用几个进程生成网页（默认：每个处理器核一个）")

    p = sub.add_parser("summary", help="检查数据并列出各计划的任务数")
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)

    p = sub.add_parser("report", help="给一项任务追加一份进展报告（site_data/progress/计划.yaml）")
    p.add_argument("plan", help="计划，如 changqing-2022")
    p.add_argument("task", help="任务序号，如 23")
    p.add_argument("--status", required=True, help="未启动 / 推进中 / 已完成 / 常态推进 / 已调整")
    p.add_argument("--text", required=True, help="做了什么，用平实的话写")
    p.add_argument("--date", help="报告日期 YYYY-MM-DD（默认今天，中国时间）")
    p.add_argument("--unit", help="报送单位，写单位名录里的名称，如 区民政局")
    p.add_argument("--reason", help="已调整的原因（状态是已调整时必填）")
    p.add_argument("--evidence", help="佐证材料的公开 https 链接")
    p.add_argument("--evidence-title", help="佐证材料的标题（默认“佐证材料”）")
    p.add_argument("--evidence-date", help="佐证材料的发布日期 YYYY-MM-DD")
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)

    p = sub.add_parser("import-progress", help="把单位报来的进展表（Excel、CSV、Word、网页、PDF 或粘贴的文字）导入进展报告")
    p.add_argument("file", type=Path, help="进展表文件")
    p.add_argument("plan", help="计划，如 changqing-2022")
    p.add_argument("--unit", help="报送单位（表格里没有“报送单位”列时用）")
    p.add_argument("--date", help="报告日期 YYYY-MM-DD（表格里没有“报送日期”列时用；默认今天，中国时间）")
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)

    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except DataError as exc:
        _print_problems(exc.problems, "text")
        return 1
    except BuildError as exc:
        print(f"生成失败：{exc}\n上一次生成的网站保持不变。", file=sys.stderr)
        return 1
    except ServeError as exc:
        print(f"无法预览：{exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # Ctrl+C: a build has already removed its work folder
        print(BUILD_CANCELLED if args.command in ("build", "serve", "build-entry", "build-all-partitions") else "已取消。", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as exc:  # what no command turned into its own message: still no traceback
        where = f"{exc.filename}：" if exc.filename else ""
        print(f"读写文件出错：{where}{exc.strerror or exc}。请检查这个文件或文件夹的路径、权限和磁盘空间后重试。",
              file=sys.stderr)
        return 1


def _add_build_options(p: argparse.ArgumentParser) -> None:
    """What `build` takes; `serve` builds first, so it takes the same."""
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--out", type=Path, default=DEFAULT_OUT)
    p.add_argument("--no-search", action="store_true", help="不建立搜索索引（更快，仅供调试）")
    p.add_argument("--site-url", help="网站发布后的完整地址，如 https://example.github.io/zwgk/（用于开放数据里的链接和 404 页）")
    p.add_argument("--progress", type=Path, help="进展报告文件夹（默认 数据文件夹/progress；示例：examples/progress）")
    p.add_argument("--jobs", type=_positive, help="同时用几个进程生成网页（默认：每个处理器核一个）")
    p.add_argument("--partition", metavar="KEY",
                   help="只生成一个省份的网站，如 shandong（python -m generator partitions 列出全部）；--site-url 写这个省份网站的地址")
    p.add_argument("--search-shard-tasks", type=_positive, metavar="N",
                   help="一个搜索索引最多收几项任务（默认 2000；任务更多时按区分成几个索引，生成时少占内存）")


def _add_entry_options(p: argparse.ArgumentParser) -> None:
    """What build-entry and build-all-partitions take."""
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--out", type=Path, default=DEFAULT_OUT)
    p.add_argument("--site-url", help="全国入口网站发布后的完整地址，如 https://example.github.io/zwgk/；各省份网站在它下面的 <代码>/")
    p.add_argument("--only", metavar="KEY", nargs="+", help="只收这几个分区，如 --only shandong guangdong（默认全部）")
    p.add_argument("--search-shard-tasks", type=_positive, metavar="N",
                   help="一个搜索索引最多收几项任务（默认 2000；单独生成入口网站时要与生成各分区时的一样，入口网站据此找到各分区的全部索引）")


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"要写一个正整数，如 2，而不是 {text!r}")
    return int(text)


def _print_problems(problems: list[Problem], fmt: str) -> None:
    for problem in problems:
        print(problem.format_github() if fmt == "github" else problem.format(), file=sys.stderr if fmt == "text" else sys.stdout)
    if problems:
        print(f"共 {len(problems)} 个问题。", file=sys.stderr)


def cmd_validate(args: argparse.Namespace) -> int:
    from generator.progress import format_warning
    from generator.validate import check, data_root, read_dataset, summary_markdown

    roots = sorted({data_root(p) for p in (args.paths or [DEFAULT_DATA])})
    problems, warnings = [], []
    for root in roots:
        ds = read_dataset(root, args.progress)
        problems += check(ds)
        warnings += ds.warnings
    for warning in warnings:  # 警告 lines: worth a look, but they do not fail the check
        print(format_warning(warning, args.format), file=sys.stderr if args.format == "text" else sys.stdout)
    _print_problems(problems, args.format)
    if args.summary:
        with args.summary.open("a", encoding="utf-8") as handle:
            handle.write(summary_markdown(roots, problems))
    if not problems:
        print("数据检查通过。")
    return 1 if problems else 0


def cmd_import(args: argparse.Namespace) -> int:
    from generator.importing import ImportFailed, import_source

    try:
        result = import_source(args.source, args.data, slug=args.slug, city=args.city, province=args.province,
                               force=args.force, year=args.year, name=args.name, title=args.title, level=args.level)
    except ImportFailed as exc:
        print(f"导入失败：{exc}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, OSError):
        raise  # main() has a message for each
    except Exception as exc:  # a parser's bug on an odd file: a sentence, never a traceback
        print(f"导入失败：{args.source}：读这个文件时程序出错（{type(exc).__name__}：{exc}）。"
              "请把这条消息和原始文件发给维护人员；也可以先把文件另存为 Word（.docx）或 Excel（.xlsx）再试。",
              file=sys.stderr)
        return 1
    print("\n".join(result.summary))
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from generator.build import build_site
    from generator.stagetimes import StageTimes

    times = StageTimes()
    build_site(args.data, args.out, search=not args.no_search, site_url=args.site_url, progress_dir=args.progress,
               timings=times, jobs=args.jobs, partition=args.partition, shard_tasks=args.search_shard_tasks)
    if getattr(args, "timings", None):  # serve builds through here too, without this option
        times.write(args.timings)
    print(f"网站已生成：{args.out}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from generator.serve import serve

    if args.no_build:
        from generator.outdir import recover_site

        recover_site(args.out)  # puts the site back if a build was killed half-way through the swap
    else:
        cmd_build(args)
    serve(args.out, host=args.host, port=args.port)
    return 0


def cmd_partitions(args: argparse.Namespace) -> int:
    import json

    from generator.loader import load_site
    from generator.partitions import PartitionError, keys

    try:
        found = keys(load_site(args.data))
    except PartitionError as exc:
        print(f"无法列出分区：{exc}", file=sys.stderr)
        return 1
    print(json.dumps(found) if args.json else "\n".join(found))
    return 0


def cmd_build_entry(args: argparse.Namespace) -> int:
    from generator.entry_site import build_entry

    keys = build_entry(args.data, args.out, site_url=args.site_url, only=args.only, shard_tasks=args.search_shard_tasks)
    print(f"全国入口网站已生成：{args.out}（分区：{'、'.join(keys)}；各分区的网站要放在它下面的同名文件夹里）")
    return 0


def cmd_build_all_partitions(args: argparse.Namespace) -> int:
    from generator.entry_site import build_all

    keys = build_all(args.data, args.out, site_url=args.site_url, only=args.only, search=not args.no_search,
                     jobs=args.jobs, shard_tasks=args.search_shard_tasks)
    print(f"网站已生成：{args.out}（全国入口；分区：{'、'.join(keys)}）")
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    from generator.loader import load_site

    site = load_site(args.data)
    for plan in site.plans:
        print(f"{plan.district.full_name} {plan.year}：{len(plan.tasks)} 项任务，{len(plan.sections)} 个章节")
    print(f"合计 {len(site.tasks)} 项任务，{sum(len(u) for u in site.units.values())} 个单位，{len(site.themes)} 个主题。")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from generator.report_cmd import run_report

    return run_report(args)


def cmd_import_progress(args: argparse.Namespace) -> int:
    from generator.report_cmd import run_import

    return run_import(args)


COMMANDS = {"validate": cmd_validate, "import": cmd_import, "build": cmd_build, "serve": cmd_serve, "summary": cmd_summary,
            "report": cmd_report, "import-progress": cmd_import_progress, "partitions": cmd_partitions,
            "build-entry": cmd_build_entry, "build-all-partitions": cmd_build_all_partitions}
