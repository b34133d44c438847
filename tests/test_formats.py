"""Importers: every format detected by content, read right on real files, and never crashing on bad ones.

Real files and their provenance: tests/data/formats/README.md. Expected values come from the
files themselves, read independently here (pandas, plain string handling) or, for Kubios, from
the numbers Kubios printed in its own report.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from biofeedback.core import hrv
from biofeedback.core.summary import analyze
from biofeedback.resources import sample_stream
from biofeedback.storage.formats import FORMATS, FormatError, detect, import_file, sniff_file
from biofeedback.storage.recordings import load_recording, timeline_of
from biofeedback.storage.session_file import SessionFileError

DATA = Path(__file__).parent / "data" / "formats"

#: Every real example file and the format key it must be detected as.
REAL = {
    "psl_verity_sense_PPI.txt": "psl",
    "psl_verity_sense_HR.txt": "psl",
    "hrv_logger_RRIntervals.csv": "hrv-logger",
    "hrv_logger_HR.csv": "hrv-logger",
    "2017-06-29 13-11-53.txt": "rr-text",
    "kubios_hrv_report.txt": "kubios-results",
    "kubios_series_export.txt": "kubios-series",
    "polar_flow_rr.txt": "polar-flow",
    "welltory_subject_01_RR.txt": "one-line",
    "empatica_e4_IBI.csv": "empatica",
    "garmin_fenix5_walk.fit": "fit",
    "garmin_fenix5_run.fit": "fit",
}
SAMPLES = ["nsrdb_5min_rr_ms.txt", "nsrdb_60min_rr_ms.txt", "heartpy_ppg_11min_rr_ms.txt"]


def _nsrdb(name="nsrdb_60min_rr_ms.txt") -> np.ndarray:
    return np.loadtxt(sample_stream(name))


def write_psl_rr(path: Path, rr: np.ndarray, lost: slice | None = None, t0=dt.datetime(2024, 3, 1, 21, 30, 0)) -> Path:
    """A Polar Sensor Logger RR file as the app writes it: each row stamped with its arrival,
    the phone receiving one notification a second (beats batched into it)."""
    beat_t = np.cumsum(rr) / 1000.0
    arrival = np.ceil(beat_t)  # the notification carrying a beat arrives at the next whole second
    rows = ["Phone timestamp;RR-interval [ms]"]
    for i, (a, r) in enumerate(zip(arrival, rr)):
        if lost is not None and lost.start <= i < lost.stop:
            continue
        rows.append(f"{(t0 + dt.timedelta(seconds=float(a))).isoformat(timespec='milliseconds')};{r:g}")
    path.write_text("\n".join(rows) + "\n")
    return path


def write_openhrv(path: Path, rr: np.ndarray, t0=dt.datetime(2024, 5, 1, 10, 0, 0)) -> Path:
    """An OpenHRV recording in the layout of its logger.py: event,value,timestamp (local ISO)."""
    rows = ["event,value,timestamp"]
    t = 0.0
    for i, r in enumerate(rr):
        t += r / 1000.0
        stamp = (t0 + dt.timedelta(seconds=t + 0.01)).isoformat()
        rows.append(f"InterBeatInterval,{int(round(r))},{stamp}")
        if i % 10 == 0:
            rows.append(f"MeanHrv,{40 + i % 7}.0,{stamp}")
        if i == 50:
            rows.append(f"PacerRate,6.0,{stamp}")
    path.write_text("\n".join(rows) + "\n")
    return path


# --------------------------------------------------------------------------- detection


def test_every_real_file_is_detected_as_its_own_format():
    for name, key in REAL.items():
        fmt = detect(sniff_file(DATA / name))
        assert fmt is not None and fmt.key == key, name
    for name in SAMPLES:
        assert detect(sniff_file(sample_stream(name))).key == "rr-text"


def test_no_specific_detector_claims_another_format(tmp_path):
    """Each detector before the generic fallbacks recognises only its own files."""
    rr = _nsrdb()[:300]
    files = {DATA / n: k for n, k in REAL.items()}
    files.update({sample_stream(n): "rr-text" for n in SAMPLES})
    files[write_psl_rr(tmp_path / "Polar_H10_0A1B2C3D_20240301_213000_RR.txt", rr)] = "psl"
    files[write_openhrv(tmp_path / "openhrv.csv", rr)] = "openhrv"
    generic = tmp_path / "generic.csv"
    generic.write_text("beat,RRI (ms)\n" + "\n".join(f"{i},{r:g}" for i, r in enumerate(rr)) + "\n")
    files[generic] = "table"
    fallbacks = {"one-line", "rr-text", "table"}
    for fmt in FORMATS:
        if fmt.key in fallbacks:
            continue
        claimed = {p.name for p, key in files.items() if fmt.detect(sniff_file(p))}
        expected = {p.name for p, key in files.items() if key == fmt.key}
        assert claimed == expected, fmt.key
    for path, key in files.items():
        assert detect(sniff_file(path)).key == key, path.name


def test_detection_ignores_the_file_name(tmp_path):
    for name, key in REAL.items():
        renamed = tmp_path / ("recording.dat" if key != "rr-text" else "x.csv")
        renamed.write_bytes((DATA / name).read_bytes())
        assert detect(sniff_file(renamed)).key == key, name


# --------------------------------------------------------------------------- values, format by format


def test_polar_sensor_logger_ppi_skips_blocked_intervals_as_gaps():
    path = DATA / "psl_verity_sense_PPI.txt"
    table = pd.read_csv(path, sep=";")
    kept = table[table["blocker"] == 0]["PP-interval [ms]"].to_numpy(dtype=float)
    rec = import_file(path)
    assert rec.format.startswith("Polar Sensor Logger PPI")
    assert np.array_equal(rec.rr_ms, kept)
    # each run of blocked rows is a gap: the beats on either side are never joined
    runs = np.flatnonzero(np.diff((table["blocker"] == 0).to_numpy().astype(int)) == 1)
    assert len(rec.segments) >= len(runs)
    first = dt.datetime.fromisoformat(table["Phone timestamp"][0])
    assert rec.started == first - dt.timedelta(milliseconds=float(table["PP-interval [ms]"][0]))
    assert any("blocker" in w for w in rec.warnings)


@pytest.mark.parametrize("name, pointer", [("psl_verity_sense_HR.txt", "_RR.txt"), ("hrv_logger_HR.csv", "RRIntervals")])
def test_files_of_heart_rate_only_are_refused_with_a_pointer(name, pointer):
    with pytest.raises(FormatError, match="heart rate only") as info:
        import_file(DATA / name)
    assert pointer in str(info.value) and str(DATA / name) in str(info.value)


def test_polar_sensor_logger_rr_finds_lost_beats_from_the_phone_clock(tmp_path):
    rr = _nsrdb()[:1200]
    lost = slice(600, 640)  # 40 beats (about 30 s) never reached the phone
    rec = import_file(write_psl_rr(tmp_path / "Polar_H10_0A1B2C3D_20240301_213000_RR.txt", rr, lost))
    assert rec.format.startswith("Polar Sensor Logger RR")
    assert np.array_equal(rec.rr_ms, np.delete(rr, np.r_[lost]))
    assert len(rec.segments) == 2 and len(rec.segments[0].rr_ms) == 600
    gap = rec.gaps[0]
    assert gap.duration == pytest.approx(np.sum(rr[lost]) / 1000.0, abs=1.5)
    assert rec.device["name"] == "Polar H10"
    clean = import_file(write_psl_rr(tmp_path / "clean_RR.txt", rr))
    assert len(clean.segments) == 1 and clean.beats == 1200


def test_polar_sensor_logger_day_long_drift_is_not_a_gap(tmp_path):
    """A phone clock 100 ppm fast over 24 h runs 8.6 s ahead of the strap: drift, not loss."""
    rng = np.random.default_rng(3)
    rr = np.clip(rng.normal(850, 60, 100_000), 400, 1500).round(0)
    beat_t = np.cumsum(rr) / 1000.0 * (1 + 100e-6)
    t0 = dt.datetime(2024, 3, 1, 8, 0, 0)
    rows = ["Phone timestamp;RR-interval [ms]"]
    rows += [f"{(t0 + dt.timedelta(seconds=float(np.ceil(t)))).isoformat(timespec='milliseconds')};{r:g}" for t, r in zip(beat_t, rr)]
    path = tmp_path / "day_RR.txt"
    path.write_text("\n".join(rows) + "\n")
    rec = import_file(path)
    assert rec.beats == 100_000 and len(rec.segments) == 1


def test_hrv_logger_reads_every_interval_and_its_unix_start():
    path = DATA / "hrv_logger_RRIntervals.csv"
    table = pd.read_csv(path, skipinitialspace=True)
    table.columns = table.columns.str.strip()
    rec = import_file(path)
    assert np.array_equal(rec.rr_ms, table["rr"].to_numpy(dtype=float))
    first = dt.datetime.fromtimestamp(table["timestamp"][0] / 1000.0, tz=dt.timezone.utc)
    assert rec.started == first - dt.timedelta(milliseconds=float(table["rr"][0]))
    # since_start is the running sum of the intervals: nothing lost, one segment
    assert np.all(np.diff(table["since_start"]) == table["rr"][1:])
    assert len(rec.segments) == 1


def test_openhrv_reads_the_interbeat_rows_only(tmp_path):
    rr = _nsrdb()[:400]
    rec = import_file(write_openhrv(tmp_path / "session.csv", rr))
    assert rec.format.startswith("OpenHRV")
    assert np.array_equal(rec.rr_ms, np.round(rr))
    assert rec.started.replace(microsecond=0) == dt.datetime(2024, 5, 1, 10, 0, 0)


def test_kubios_results_give_the_mean_rr_and_rmssd_kubios_printed():
    path = DATA / "kubios_hrv_report.txt"
    text = path.read_text()
    kubios_mean_rr = float(re.search(r"Mean RR\s+\(ms\):\s+,\s*([\d.]+)", text).group(1))
    kubios_rmssd = float(re.search(r"RMSSD \(ms\):\s+,\s*([\d.]+)", text).group(1))
    rec = import_file(path)
    assert rec.format.startswith("Kubios HRV results")
    assert np.mean(rec.rr_ms) == pytest.approx(kubios_mean_rr, abs=1e-3)  # Kubios: artefact correction none
    raw = hrv.time_domain(rec.rr_ms, np.r_[True, np.zeros(rec.beats - 1, dtype=bool)])
    assert raw["rmssd_ms"] == pytest.approx(kubios_rmssd, rel=1e-3)
    # the series the kubios package prepared from the same data holds the same beats
    assert np.array_equal(import_file(DATA / "kubios_series_export.txt").rr_ms, rec.rr_ms)


def test_polar_flow_times_place_the_beats_and_show_the_gap():
    path = DATA / "polar_flow_rr.txt"
    table = np.loadtxt(path)
    rec = import_file(path)
    assert np.allclose(rec.rr_ms, table[:, 1] * 1000.0)
    # the file's second beat comes seconds after its first: the time beyond its own interval is a gap
    lost = table[1, 0] - table[0, 0] - table[1, 1]
    assert lost > 3.0
    assert len(rec.segments) == 2 and rec.gaps[0].duration == pytest.approx(lost, abs=1e-6)
    times = np.concatenate([s.beat_times() for s in rec.segments])
    assert np.allclose(times - times[0], table[:, 0] - table[0, 0], atol=0.002 * len(table))


def test_elite_hrv_takes_its_start_from_the_name_and_cuts_at_an_implausible_interval():
    path = DATA / "2017-06-29 13-11-53.txt"
    values = np.array(path.read_text().split(), dtype=float)
    rec = import_file(path)
    assert rec.format == "Elite HRV RR export"
    assert rec.started == dt.datetime(2017, 6, 29, 13, 11, 53)
    bad = (values < 300) | (values > 3000)
    assert bad.sum() >= 1 and np.array_equal(rec.rr_ms, values[~bad])
    assert len(rec.segments) == 1 + bad.sum()


def test_one_line_of_intervals():
    path = DATA / "welltory_subject_01_RR.txt"
    rec = import_file(path)
    assert np.array_equal(rec.rr_ms, np.array(path.read_text().split(), dtype=float))


def test_empatica_beats_and_gaps_follow_the_file():
    path = DATA / "empatica_e4_IBI.csv"
    table = pd.read_csv(path)
    t, ibi = table.iloc[:, 0].to_numpy(), table.iloc[:, 1].to_numpy()
    rec = import_file(path)
    assert np.allclose(rec.rr_ms, ibi * 1000.0)
    expected_gaps = int(np.sum(np.diff(t) - ibi[1:] > 0.02))
    assert len(rec.gaps) == expected_gaps > 100
    epoch = float(table.columns[0])
    assert rec.started.timestamp() == pytest.approx(epoch + t[0] - ibi[0], abs=1e-3)


@pytest.mark.parametrize("name", ["garmin_fenix5_walk.fit", "garmin_fenix5_run.fit"])
def test_fit_hrv_messages(name):
    fitdecode = pytest.importorskip("fitdecode")
    path = DATA / name
    expected, session_start = [], None
    with fitdecode.FitReader(str(path)) as fit:
        for frame in fit:
            if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "hrv":
                expected += [v * 1000.0 for v in frame.get_value("time") if v is not None and v < 65.535]
            elif isinstance(frame, fitdecode.FitDataMessage) and frame.name == "session":
                session_start = frame.get_value("start_time")
    rec = import_file(path)
    assert rec.format.startswith("Garmin FIT")
    assert np.allclose(rec.rr_ms, expected) and rec.beats == len(expected) > 50
    assert rec.started == session_start  # the timer start, as the session message also says
    assert rec.device.get("strap") == "hrm4_run"


def test_fit_without_fitdecode_says_how_to_get_it(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_fitdecode(name, *args, **kwargs):
        if name == "fitdecode":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_fitdecode)
    with pytest.raises(FormatError, match=r"biofeedback\[fit\]"):
        import_file(DATA / "garmin_fenix5_walk.fit")


def test_generic_csv_picks_the_rr_column_by_name_or_by_column(tmp_path):
    rr = _nsrdb()[:500]
    t = np.cumsum(rr) / 1000.0
    named = tmp_path / "named.csv"
    named.write_text("Time (s);HR (bpm);IBI (ms)\n" + "\n".join(f"{a:.3f};{60000 / b:.0f};{b:g}".replace(".", ",") for a, b in zip(t, rr)))
    rec = import_file(named)
    assert np.allclose(rec.rr_ms, rr) and len(rec.segments) == 1
    plain = tmp_path / "plain.csv"
    plain.write_text("a,b,c\n" + "\n".join(f"{i},{60000 / r:.0f},{r:g}" for i, r in enumerate(rr)))
    with pytest.raises(FormatError, match="--column"):
        import_file(plain)
    assert np.allclose(import_file(plain, column="c").rr_ms, rr)
    assert np.allclose(import_file(plain, column="3").rr_ms, rr)
    with pytest.raises(FormatError, match="has no column 'x'"):
        import_file(plain, column="x")
    # a column of heart rates chosen by mistake is refused, not analysed
    with pytest.raises(FormatError, match="heart rates"):
        import_file(plain, column="b")
    # a column of R-peak times: the intervals are their differences
    peaks = tmp_path / "peaks.csv"
    peaks.write_text("rpeak_s,amplitude\n" + "\n".join(f"{x:.4f},1.0" for x in np.r_[0.0, t]))
    rec = import_file(peaks, column="rpeak_s")
    assert np.allclose(rec.rr_ms, rr, atol=0.06)


def test_plain_rr_text_in_seconds_or_ms(tmp_path):
    rr = _nsrdb("nsrdb_5min_rr_ms.txt")
    s = tmp_path / "s.txt"
    s.write_text("# exported RR, seconds\n" + "\n".join(f"{x / 1000:.6f}" for x in rr))
    assert np.allclose(import_file(s).rr_ms, rr)
    assert import_file(sample_stream("nsrdb_5min_rr_ms.txt")).format == "RR text, one interval per line (ms)"


# --------------------------------------------------------------------------- numbers that are not RR


@pytest.mark.parametrize(
    "content, reason",
    [
        ("99999\n" * 50, "all 50 values are 99999"),
        ("0\n" * 50, "all 50 values are 0"),
        ("\n".join(str(60 + i % 20) for i in range(200)), "heart rates"),
        ("0\n1\n0\n2\n0\n1\n", "zero|only"),
        ("5000 7000 6000 9000 12000 8000", "only 0 %"),
    ],
)
def test_plausible_looking_numbers_that_are_not_rr_are_refused(tmp_path, content, reason):
    path = tmp_path / "numbers.txt"
    path.write_text(content)
    with pytest.raises(FormatError, match=reason):
        load_recording(path)


# --------------------------------------------------------------------------- damaged files


def test_a_damaged_line_is_skipped_counted_and_named(tmp_path):
    lines = (DATA / "psl_verity_sense_PPI.txt").read_text().splitlines()
    lines[40] = "2022-04-25T11:40:1\x00garbage"
    lines[41] = lines[41].replace(";", ",")
    path = tmp_path / "damaged_PPI.txt"
    path.write_text("\n".join(lines) + "\n")
    rec = import_file(path)
    assert rec.skipped_lines == 2
    assert any("2 unreadable line(s)" in w and "line 41" in w for w in rec.warnings)
    data = load_recording(path, as_packets=False)
    assert data.skipped_lines == 2


def test_a_file_of_nothing_readable_names_the_first_bad_line(tmp_path):
    path = tmp_path / "bad_RR.txt"
    path.write_text("Phone timestamp;RR-interval [ms]\n2024-01-01T10:00:00.000;abc\n2024-01-01T10:00:01.000;def\n")
    with pytest.raises(FormatError, match=r"bad_RR.txt line 2: not a time and a number"):
        import_file(path)


def _variants(data: bytes, rng: np.random.Generator):
    """Truncations, bit flips, and other encodings of a file."""
    n = len(data)
    for cut in sorted(set(rng.integers(1, n, 6).tolist() + [n // 2, n - 1])):
        yield f"truncated at {cut}", data[:cut]
    for k in range(6):
        flipped = bytearray(data)
        for pos in rng.integers(0, n, 1 + 3 * k):
            flipped[pos] ^= 1 << int(rng.integers(0, 8))
        yield f"{1 + 3 * k} bit flips", bytes(flipped)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return
    yield "UTF-16 with BOM", text.encode("utf-16")
    yield "UTF-8 with BOM", b"\xef\xbb\xbf" + data
    yield "Latin-1 with a degree sign", text.replace("\n", " \xb0\n", 3).encode("latin-1", errors="replace")
    yield "CRLF", text.replace("\n", "\r\n").encode()


@pytest.mark.parametrize("name", sorted(REAL))
def test_broken_variants_never_crash(tmp_path, name):
    rng = np.random.default_rng(sum(name.encode()))
    path = tmp_path / name
    for what, data in _variants((DATA / name).read_bytes(), rng):
        path.write_bytes(data)
        try:
            rec = load_recording(path, as_packets=True)
        except SessionFileError as exc:
            message = str(exc)
            assert "\n" not in message and str(path) in message, (what, message)
            continue
        assert rec.imported is None or rec.imported.beats > 0, what


def test_encodings_read_the_same_beats(tmp_path):
    path = DATA / "hrv_logger_RRIntervals.csv"
    expected = import_file(path).rr_ms
    for encoding in ("utf-16", "utf-8-sig", "latin-1"):
        other = tmp_path / f"{encoding}.csv"
        other.write_bytes(path.read_text().encode(encoding))
        assert np.array_equal(import_file(other).rr_ms, expected), encoding


def test_hypothesis_arbitrary_bytes_never_crash(tmp_path_factory):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    folder = tmp_path_factory.mktemp("fuzz")
    heads = [(DATA / n).read_bytes()[:300] for n in REAL] + [b"", b"Phone timestamp;PP-interval [ms];blocker\n", b"event,value,timestamp\n"]

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(head=st.sampled_from(heads), tail=st.binary(max_size=400), text=st.text(max_size=300))
    def check(head, tail, text):
        path = folder / "fuzz.txt"
        path.write_bytes(head + tail + text.encode("utf-8", errors="replace"))
        try:
            load_recording(path)
        except SessionFileError as exc:
            assert "\n" not in str(exc)

    check()


def test_hypothesis_number_tables_never_crash(tmp_path_factory):
    from hypothesis import given, settings
    from hypothesis import strategies as st

    folder = tmp_path_factory.mktemp("tables")
    number = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**6, 10**6)).map(str)
    cell = st.one_of(number, st.sampled_from(["", "x", "2024-01-01T00:00:00", "1675889367255"]))
    header = st.sampled_from(["", "rr\n", "time,rr\n", "Phone timestamp;RR-interval [ms]\n", "timestamp, rr, since_start\n", "event,value,timestamp\n"])

    @settings(max_examples=300, deadline=None)
    @given(header=header, rows=st.lists(st.lists(cell, min_size=1, max_size=4), max_size=40), sep=st.sampled_from([",", ";", "\t", " "]))
    def check(header, rows, sep):
        path = folder / "t.csv"
        path.write_text(header + "\n".join(sep.join(r) for r in rows))
        try:
            data = load_recording(path)
        except SessionFileError as exc:
            assert "\n" not in str(exc)
            return
        analyze(timeline_of(data))  # whatever was accepted can be analysed

    check()


# --------------------------------------------------------------------------- the whole path


@pytest.mark.parametrize("name", [n for n, k in REAL.items() if "HR" not in n])
def test_every_real_file_analyses_and_replays_without_splicing_gaps(name):
    data = load_recording(DATA / name)
    result = analyze(timeline_of(data))
    rec = data.imported
    assert result["beats"] == rec.beats and result["gaps"] == len(rec.gaps)
    assert result["mean_hr_bpm"] is not None
    # beats, duration and mean HR equal those of the original series
    assert result["beats"] == len(rec.rr_ms)
    from biofeedback.core.timeline import rebuild

    replayed = rebuild(data.events)
    assert len(replayed) == rec.beats
    assert len(replayed.gaps) >= len(rec.gaps)  # a replay never joins beats across a gap


@pytest.mark.parametrize(
    "header, row",
    [
        ("Phone timestamp;sensor timestamp [ns];HR [bpm];RR-interval [ms]", "{t};599616065136175104;72;{rr}"),
        ("Phone timestamp;HR [bpm];RR-interval [ms];", "{t};72;{rr};"),
        ("Phone Data RX timestamp;PP-interval [ms];error estimate [ms];blocker;contact;contact;hr [bpm]", "{t};{rr};8;0;1;1;72"),
        ("Phone timestamp;sensor timestamp [ns];HR [bpm];PP-interval [ms];error estimate [ms];blocker;skin contact;skin contact supported", "{t};0;72;{rr};8;0;1;1"),
    ],
)
def test_polar_sensor_logger_columns_are_found_by_name(tmp_path, header, row):
    """Other Polar Sensor Logger versions order the columns differently; rows without an interval are not damage."""
    rr = _nsrdb()[:200]
    t0 = dt.datetime(2024, 3, 1, 21, 30, 0)
    rows = [header]
    for i, r in enumerate(rr):
        stamp = (t0 + dt.timedelta(seconds=float(np.ceil(np.sum(rr[: i + 1]) / 1000)))).isoformat(timespec="milliseconds")
        rows.append(row.format(t=stamp, rr=f"{r:g}"))
        if i % 50 == 0 and "RR-interval" in header:
            rows.append(row.format(t=stamp, rr=""))  # a notification that carried no interval
    path = tmp_path / "variant.txt"
    path.write_text("\n".join(rows) + "\n")
    rec = import_file(path)
    assert np.array_equal(rec.rr_ms, rr) and rec.skipped_lines == 0 and len(rec.segments) == 1
