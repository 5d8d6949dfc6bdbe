"""Write a report as CSV (sections one after another) or XLSX (one sheet per table)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import TextIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from bot.feedback.reports import Cell, Percent, Report, Table

MAX_WIDTH = 60


def title(report: Report) -> str:
    """The report's heading."""
    start, end = report.start.strftime("%d/%m/%Y"), report.end.strftime("%d/%m/%Y")
    return f"Báo cáo tiếp nhận, xử lý phản ánh – kiến nghị từ {start} đến {end}"


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Percent):
        return f"{value * 100:.1f}%"
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def write_csv(report: Report, out: TextIO) -> None:
    """Sections: the table's title, its header row, its rows, an empty line."""
    write_tables_csv(title(report), report.tables, out)


def write_tables_csv(heading: str, tables: list[Table], out: TextIO) -> None:
    """`heading`, then each table: its title, its header row, its rows, an empty line."""
    writer = csv.writer(out)
    writer.writerow([heading])
    writer.writerow([])
    for table in tables:
        writer.writerow([table.title])
        writer.writerow(table.headers)
        writer.writerows([_text(cell) for cell in row] for row in table.rows)
        writer.writerow([])


def _print_setup(sheet: Worksheet) -> None:
    """Printed for the quarterly report: A4 landscape, every column on one page width, the
    header row repeated on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = "1:1"


def write_xlsx(report: Report, path: Path) -> None:
    """One sheet per table, bold frozen header, real dates and percentages."""
    write_tables_xlsx(title(report), report.tables, path)


def write_tables_xlsx(heading: str, tables: list[Table], path: Path) -> None:
    """One sheet per table, bold frozen header, real dates and percentages."""
    book = Workbook()
    book.remove(book.worksheets[0])  # start without the default empty sheet
    for table in tables:
        sheet = book.create_sheet(table.title[:31])
        sheet.append(table.headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for row in table.rows:
            sheet.append(list(row))
            for cell, value in zip(sheet[sheet.max_row], row, strict=True):
                if isinstance(value, Percent):
                    cell.number_format = "0.0%"
                elif isinstance(value, dt.date):
                    cell.number_format = "DD/MM/YYYY"
        for index, header in enumerate(table.headers, 1):
            longest = max([len(header), *(len(_text(r[index - 1])) for r in table.rows)])
            sheet.column_dimensions[get_column_letter(index)].width = min(longest + 2, MAX_WIDTH)
        _print_setup(sheet)
    book.properties.title = heading
    book.save(path)
