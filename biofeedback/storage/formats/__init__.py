"""Importers chosen by content, and exporters. Pure storage code: no Qt.

:func:`import_file` opens any file people bring (see :data:`FORMATS` for the list, most specific
first), detects its format from its bytes, never from its name, reads it into one
:class:`~biofeedback.storage.formats.base.ImportedRecording` and judges whether the numbers are
RR intervals at all. Everything it cannot read becomes one :class:`FormatError` naming the file
(and the line, where one is to blame); damaged lines are skipped, counted and reported.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from biofeedback.storage.formats import app_logs, fit, kubios, ours, polar, rr_lists, tabular
from biofeedback.storage.formats.base import NOT_TEXT, FormatError, ImportedRecording, Segment, judge, path_of, read_bytes
from biofeedback.storage.formats.sniff import Sniff

__all__ = ["FORMATS", "Format", "FormatError", "ImportedRecording", "Segment", "detect", "import_file", "sniff_file"]


@dataclass(frozen=True)
class Format:
    """One format: its key, its name for people, and how to recognise and read it."""

    key: str
    name: str
    detect: Callable[[Sniff], bool]
    read: Callable[[Sniff], ImportedRecording] | None


#: Every format, in the order they are tried: binary and self-describing formats first, then
#: formats with a distinctive header, then bare numbers, then any table.
FORMATS: tuple[Format, ...] = (
    Format("fit", fit.FIT, fit.detect_fit, fit.read_fit),
    Format("session", ours.SESSION, ours.detect_session, None),  # read by storage.session_file
    Format("json", ours.JSON_EXPORT, ours.detect_json, ours.read_json),
    Format("psl", "Polar Sensor Logger (RR or PPI)", polar.detect_psl, polar.read_psl),
    Format("hrv-logger", app_logs.HRV_LOGGER, app_logs.detect_hrv_logger, app_logs.read_hrv_logger),
    Format("openhrv", app_logs.OPENHRV, app_logs.detect_openhrv, app_logs.read_openhrv),
    Format("kubios-results", kubios.KUBIOS_RESULTS, kubios.detect_results, kubios.read_results),
    Format("kubios-series", kubios.KUBIOS_SERIES, kubios.detect_series, kubios.read_series),
    Format("kubios-ours", kubios.OUR_KUBIOS, kubios.detect_ours, kubios.read_ours),
    Format("csv-ours", tabular.OUR_CSV, tabular.detect_ours, tabular.read_ours),
    Format("empatica", tabular.EMPATICA, tabular.detect_empatica, tabular.read_empatica),
    Format("polar-flow", polar.POLAR_FLOW, polar.detect_polar_flow, polar.read_polar_flow),
    Format("one-line", rr_lists.ONE_LINE, rr_lists.detect_one_line, rr_lists.read_one_line),
    Format("rr-text", rr_lists.RR_TEXT + " (or Elite HRV)", rr_lists.detect_rr_text, rr_lists.read_rr_text),
    Format("table", tabular.GENERIC + " (choose the column with --column)", tabular.detect_table, tabular.read_table),
)

_BY_KEY = {f.key: f for f in FORMATS}


def sniff_file(path: str | os.PathLike[str], column: str | None = None) -> Sniff:
    path = path_of(path)
    data = read_bytes(path)
    if not data.strip():
        raise FormatError(f"{path} is empty.")
    return Sniff(path, data, column)


def detect(sniff: Sniff) -> Format | None:
    """The first format that recognises the file, or None. ``--column`` forces the table reader."""
    if sniff.column is not None and sniff.is_text and tabular.detect_table(sniff):
        return _BY_KEY["table"]
    for fmt in FORMATS:
        try:
            if fmt.detect(sniff):
                return fmt
        except FormatError:
            continue
    return None


def import_file(path: str | os.PathLike[str], column: str | None = None, sniff: Sniff | None = None) -> ImportedRecording:
    """Read any supported recording other than our session files, judged. Raises :class:`FormatError`."""
    sniff = sniff or sniff_file(path, column)
    fmt = detect(sniff)
    if fmt is None or fmt.read is None:
        if not sniff.is_text:
            raise FormatError(NOT_TEXT.format(path=sniff.path))
        first = sniff.first_line[:40]
        raise FormatError(
            f"{sniff.path} line 1 is not the start of a recording this app can read ({first!r}); "
            "see 'biofeedback import --help' for the formats."
        )
    try:
        rec = fmt.read(sniff)
    except FormatError:
        raise
    except (ValueError, IndexError, KeyError, TypeError, OverflowError, ZeroDivisionError) as exc:
        # a file damaged in a way no reader foresaw: one line, never a traceback
        raise FormatError(f"{sniff.path} could not be read as {fmt.name} ({type(exc).__name__}: {exc}).") from None
    rec.warnings[:0] = sniff.decode_warnings
    return judge(rec, sniff.path)
