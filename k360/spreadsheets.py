"""CSV downloads that open cleanly in Excel and LibreOffice and cannot smuggle in formulas."""

import csv
from collections.abc import Callable, Iterable

from django.http import HttpResponse

FORMULA_STARTS = {"=", "+", "-", "@", "\t", "\r"}


def safe_cell(value: object) -> str:
    """A cell starting with = + - @ would be a formula in a spreadsheet (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in FORMULA_STARTS else text


def csv_download(
    filename: str, header: Iterable[object]
) -> tuple[HttpResponse, Callable[[Iterable[object]], None]]:
    """A semicolon-separated UTF-8 attachment (with the byte order mark Excel needs) and a
    function that writes one row of safe cells to it."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")

    def write_row(values: Iterable[object]) -> None:
        writer.writerow([safe_cell(value) for value in values])

    write_row(header)
    return response, write_row
