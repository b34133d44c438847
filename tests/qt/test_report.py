"""The one-page report: its content from a recording, and the page drawn to PDF and PNG offscreen."""

from __future__ import annotations

import re

import numpy as np
import pytest

from biofeedback.core.annotations import Rating
from biofeedback.core.samples import LinkState, Sample, Status
from biofeedback.resources import sample_stream
from biofeedback.storage.recordings import load_recording
from biofeedback.storage.report import DISCLAIMER, build_report
from biofeedback.storage.rr_text import rr_to_samples
from biofeedback.storage.session_file import Marker, SessionWriter, make_header


@pytest.fixture
def session(tmp_path):
    rr = np.loadtxt(sample_stream("nsrdb_60min_rr_ms.txt"))[:1500]
    first, second = rr_to_samples(rr[:800]), rr_to_samples(rr[800:])
    offset = first[-1].t + 30.0
    header = make_header("ble:A0:9E:1A:00:00:01", {"name": "Polar H10 0A1B2C3D"}, {}, "test") | {"person": "river-42"}
    path = tmp_path / "s.bfs"
    with SessionWriter(path, header) as w:
        w.write_pacer(0.0, {"inhale_s": 4.0, "hold_in_s": 0.0, "exhale_s": 6.0, "hold_out_s": 0.0})
        for s in first:
            if 99.0 < s.t <= 100.0:
                w.write_marker(Marker(100.0, "eyes closed", 1))
            w.write_event(s)
        w.write_event(Status(first[-1].t + 1, LinkState.LOST, "lost"))
        w.write(Rating(first[-1].t + 2, "before", pain=6, stress=7, mood=2))
        for s in second:
            w.write_event(Sample(s.t + offset, s.hr_bpm, s.rr_ms))
        w.write(Rating(second[-1].t + offset + 1, "after", pain=4, stress=3, mood=4))
    return path


def test_content_says_what_the_session_holds(session):
    content = build_report(load_recording(session, as_packets=False))
    assert content.person == "river-42"
    assert content.source == "Bluetooth heart-rate strap" and content.device == "Polar H10 0A1B2C3D"
    assert content.pacer == ["from 0:00: in 4 s, out 6 s (6.0 breaths/min)"]
    assert content.markers == [(100.0, "eyes closed")]
    assert len(content.gaps) == 1 and content.gaps[0][1] - content.gaps[0][0] > 25
    # the heart-rate series breaks at the gap instead of joining across it
    nan_at = np.flatnonzero(np.isnan(content.hr_bpm))
    assert len(nan_at) == 1 and content.hr_t[nan_at[0] - 1] <= content.gaps[0][0] + 1e-6
    labels = [m.label for m in content.metrics]
    for name in ("Mean heart rate", "SDNN", "RMSSD", "pNN50", "LF power (0.04-0.15 Hz)", "HF power (0.15-0.4 Hz)", "LF/HF", "Artefacts corrected"):
        assert name in labels
    assert sum(p for _, _, p in content.coherence_levels) == pytest.approx(100.0)
    assert [(r.name, r.before, r.after) for r in content.ratings][:2] == [("Pain (0-10)", "6/10", "4/10"), ("Stress (0-10)", "7/10", "3/10")]
    assert content.disclaimer == DISCLAIMER and "not a medical device" in DISCLAIMER


def test_a_short_imported_file_says_what_is_missing():
    content = build_report(load_recording(sample_stream("nsrdb_5min_rr_ms.txt"), as_packets=False))
    assert content.person == "" and content.ratings == [] and content.phases == []
    assert content.source.startswith("imported from nsrdb_5min_rr_ms.txt")


def test_pdf_is_one_a4_page_and_png_draws_inside_the_margins(qapp, session, tmp_path):
    from PySide6.QtGui import QImage

    from biofeedback.qt.report import MARGIN, PAGE_H, PAGE_W, render_image, write_report

    content = build_report(load_recording(session, as_packets=False))
    pdf = tmp_path / "report.pdf"
    write_report(content, pdf)
    raw = pdf.read_bytes()
    assert raw.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", raw)) == 1  # one page
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)", raw)
    assert box and float(box.group(1)) == pytest.approx(595.3, abs=1) and float(box.group(2)) == pytest.approx(841.9, abs=1)  # A4

    dpi = 100.0
    image = render_image(content, dpi)
    assert (image.width(), image.height()) == (round(PAGE_W / 72 * dpi), round(PAGE_H / 72 * dpi))
    converted = image.convertToFormat(QImage.Format.Format_Grayscale8)
    gray = np.frombuffer(converted.constBits(), dtype=np.uint8)
    gray = gray.reshape(converted.height(), converted.bytesPerLine())[:, : converted.width()]
    inked = np.argwhere(gray < 250)
    margin_px = MARGIN / 72 * dpi
    # nothing clipped at the page edge: all ink inside the margins (less a hair for antialiasing)
    assert inked[:, 1].min() >= margin_px - 2 and inked[:, 1].max() <= image.width() - margin_px + 2
    assert inked[:, 0].min() >= margin_px - 2 and inked[:, 0].max() <= image.height() - margin_px + 2
    png = tmp_path / "report.png"
    write_report(content, png)
    assert QImage(str(png)).width() == round(PAGE_W / 72 * 150)


def test_unwritable_or_unknown_output_is_one_sentence(qapp, session, tmp_path):
    from biofeedback.qt.report import ReportError, write_report

    content = build_report(load_recording(session, as_packets=False))
    with pytest.raises(ReportError, match=r"\.pdf or \.png"):
        write_report(content, tmp_path / "report.docx")
    with pytest.raises(ReportError, match="folder exists"):
        write_report(content, tmp_path / "missing" / "report.png")
