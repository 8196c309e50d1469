"""Which reader a file needs: by its bytes first, then by its extension."""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Callable

from generator.readers import SUPPORTED, Document, ReadError

Reader = Callable[[Path, bytes], Document]

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MESSAGE = "文件有密码保护，请先取消密码再导入（在 Word/WPS/Excel 里打开文件，删除“文档加密”的密码后保存）。"
SAVE_AS_DOCX = ("这是老式 Word 文档（.doc），不能直接导入。请用 Word 或 WPS 打开，"
                "选“另存为”→“Word 文档（*.docx）”，再导入新保存的 .docx 文件。")
SAVE_AS_XLSX = ("这是老式 Excel 表格（.xls），不能直接导入。请用 Excel 或 WPS 打开，"
                "选“另存为”→“Excel 工作簿（*.xlsx）”，再导入新保存的 .xlsx 文件。")
UNSUPPORTED = f"认不出文件格式。支持的格式：{SUPPORTED}。请把文件另存为其中一种后再导入。"

HTML_START = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|table|meta)\b",
                        re.IGNORECASE | re.DOTALL)


def _ole2_streams(raw: bytes) -> set[str]:
    """Names of the well-known streams in an OLE2 compound file.

    Directory entries store names as UTF-16LE followed by a NUL; searching for the few names that
    matter is enough to tell Word from Excel from an encrypted Office 2007+ file.
    """
    names = ("EncryptedPackage", "WordDocument", "Workbook", "Book")
    return {name for name in names if (name.encode("utf-16-le") + b"\x00\x00") in raw}


def _ole2_reader(path: Path, raw: bytes) -> Reader:
    streams = _ole2_streams(raw)
    suffix = path.suffix.lower()
    if "EncryptedPackage" in streams:
        raise ReadError(path, ENCRYPTED_MESSAGE)
    if "WordDocument" in streams or suffix in (".doc", ".wps", ".dot"):
        raise ReadError(path, SAVE_AS_DOCX)
    if streams & {"Workbook", "Book"} or suffix in (".xls", ".et", ".xlt"):
        raise ReadError(path, SAVE_AS_XLSX)
    raise ReadError(path, "这是老式 Office 文件，不能直接导入。请用 Office 或 WPS 打开，"
                          "另存为 .docx 或 .xlsx 后再导入。")


def _zip_reader(path: Path, raw: bytes) -> Reader:
    from generator.readers import docx, xlsx

    try:
        names = set(zipfile.ZipFile(io.BytesIO(raw)).namelist())
    except (zipfile.BadZipFile, ValueError):
        raise ReadError(path, "文件已损坏（压缩包结构不完整），打不开。请向发文单位重新要一份，"
                              "或用 Word/Excel 打开后重新另存。") from None
    if "word/document.xml" in names:
        return docx.read
    if "xl/workbook.xml" in names:
        return xlsx.read
    if "content.xml" in names:  # OpenDocument (.odt/.ods) from WPS or LibreOffice
        raise ReadError(path, "这是 OpenDocument 文件（.odt/.ods），不能直接导入。请用 WPS 或 LibreOffice 打开，"
                              "另存为 Word 文档（*.docx）或 Excel 工作簿（*.xlsx）后再导入。")
    raise ReadError(path, UNSUPPORTED)


def _looks_binary(raw: bytes) -> bool:
    """NUL bytes or many control characters: not a text file (UTF-16 with a BOM excepted)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    sample = raw[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13, 27))
    return controls > len(sample) // 100 + 2


def reader_for(path: Path, raw: bytes) -> Reader:
    """The read function for this file, chosen from its content; ReadError if there is none."""
    from generator.readers import csv, html, pdf, text

    suffix = path.suffix.lower()
    if raw.startswith(OLE2_MAGIC):
        return _ole2_reader(path, raw)
    if raw.startswith(b"PK\x03\x04") or (raw.startswith(b"PK") and suffix in (".docx", ".xlsx")):
        return _zip_reader(path, raw)
    if b"%PDF-" in raw[:1024]:
        return pdf.read
    if raw.lstrip().startswith(b"{\\rtf"):
        raise ReadError(path, "这是 RTF 文件，不能直接导入。请用 Word 或 WPS 打开，"
                              "选“另存为”→“Word 文档（*.docx）”后再导入。")
    if _looks_binary(raw):
        raise ReadError(path, UNSUPPORTED)
    if suffix in (".html", ".htm", ".shtml", ".xhtml") or HTML_START.match(raw[:4096]):
        return html.read
    if suffix in (".csv", ".tsv"):
        return csv.read
    return text.read  # .txt, .md, no extension, or text saved under another name
