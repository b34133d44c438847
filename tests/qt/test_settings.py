"""Preferences: one declarative schema over a real QSettings INI file."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import QSettings

from biofeedback.qt import settings as settings_module
from biofeedback.qt.settings import SCHEMA, SCHEMA_VERSION, VERSION_KEY, MemoryStore, Settings
from biofeedback.qt.widgets.session_controls import PacerSettingsBox


@pytest.fixture
def ini(tmp_path):
    return str(tmp_path / "biofeedback.ini")


def qsettings(path: str) -> QSettings:
    return QSettings(path, QSettings.Format.IniFormat)


def test_schema_lists_every_persisted_group_once():
    keys = [s.key for s in SCHEMA]
    assert len(keys) == len(set(keys))
    assert {s.group for s in SCHEMA} == {"pacer", "client", "audio", "supervisor", "window", "home", "session"}
    for s in SCHEMA:  # every default is valid under its own rules
        assert s.parse(s.default) == s.default


def test_defaults_and_version_stamp_on_a_new_file(ini):
    s = Settings(qsettings(ini))
    assert s.group("audio") == {"enabled": False, "volume": 0.4}
    assert s.value("supervisor/appearance") == "system"
    assert s.value("client/reduced_motion") == "system"
    s.store.sync()
    assert int(qsettings(ini).value(VERSION_KEY)) == SCHEMA_VERSION


def test_values_round_trip_through_the_file_with_their_types(ini):
    first = Settings(qsettings(ini))
    first.save_group("audio", {"enabled": True, "volume": 0.75})
    first.save_group("pacer", {"inhale_s": 4.0, "hold_in_s": 7.0, "exhale_s": 8.0, "preset": "478"})
    first.save_group("supervisor", {"appearance": "light"})
    again = Settings(qsettings(ini))  # a new QSettings reads the INI text back
    assert again.value("audio/enabled") is True
    assert again.value("audio/volume") == 0.75
    assert again.group("pacer") == {
        "enabled": True,
        "preset": "478",
        "inhale_s": 4.0,
        "hold_in_s": 7.0,
        "exhale_s": 8.0,
        "hold_out_s": 0.0,
    }
    assert again.value("supervisor/appearance") == "light"


def test_damaged_values_read_as_defaults(ini, caplog):
    raw = qsettings(ini)
    raw.setValue("supervisor/appearance", "purple")
    raw.setValue("pacer/inhale_s", "abc")
    raw.setValue("audio/volume", "7")
    raw.setValue("audio/enabled", "perhaps")
    raw.sync()
    with caplog.at_level(logging.WARNING):
        s = Settings(qsettings(ini))
        assert s.value("supervisor/appearance") == "system"
        assert s.value("pacer/inhale_s") == 4.0
        assert s.value("audio/volume") == 0.4
        assert s.value("audio/enabled") is False
    assert len([r for r in caplog.records if "Ignoring the stored preference" in r.message]) == 4


def test_invalid_values_are_not_written():
    s = Settings(MemoryStore())
    with pytest.raises(ValueError):
        s.set_value("supervisor/appearance", "purple")
    with pytest.raises(ValueError):
        s.set_value("audio/volume", 1.5)
    with pytest.raises(KeyError):
        s.set_value("nothing/here", 1)


def test_older_store_is_migrated_step_by_step(monkeypatch):
    calls = []

    def rename_theme(store):
        calls.append(int(store.value(VERSION_KEY)))
        store.setValue("client/theme", store.value("client/animation"))

    monkeypatch.setattr(settings_module, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(settings_module.MIGRATIONS, 1, rename_theme)
    store = MemoryStore({VERSION_KEY: 1, "client/animation": "waves"})
    s = Settings(store)
    assert calls == [1]
    assert store.value(VERSION_KEY) == 2
    assert s.value("client/theme") == "waves"


def test_a_newer_store_is_read_but_never_rewritten():
    store = MemoryStore({VERSION_KEY: SCHEMA_VERSION + 5, "audio/volume": 0.9, "future/thing": "x"})
    s = Settings(store)
    assert s.value("audio/volume") == 0.9
    assert store.value(VERSION_KEY) == SCHEMA_VERSION + 5
    assert store.value("future/thing") == "x"


def test_the_pacer_box_saves_only_its_own_group(qtbot):
    store = MemoryStore()
    s = Settings(store)
    s.save_group("audio", {"volume": 0.2})
    box = PacerSettingsBox()
    qtbot.addWidget(box)
    box.choose_preset("box")
    before = {k: v for k, v in store.values.items() if not k.startswith("pacer/")}
    box.save_settings(s)
    after = {k: v for k, v in store.values.items() if not k.startswith("pacer/")}
    assert before == after
    assert s.group("pacer") == {"enabled": True, "preset": "box", "inhale_s": 4.0, "hold_in_s": 4.0, "exhale_s": 4.0, "hold_out_s": 4.0}


def test_an_out_of_range_saved_duration_reads_as_its_default(qtbot, caplog):
    # an exhale of 0 s is below the key's minimum, so it reads as its default (6 s) and the
    # restored pattern stays usable
    s = Settings(MemoryStore({"pacer/preset": "custom", "pacer/exhale_s": 0.0, "pacer/inhale_s": 3.0}))
    box = PacerSettingsBox()
    qtbot.addWidget(box)
    with caplog.at_level(logging.WARNING):
        box.restore_settings(s, emit=False)
    assert box.settings.inhale_s == 3.0 and box.settings.exhale_s == 6.0
    assert box.preset_key() == "custom"


def test_version_1_moves_the_remembered_strap_to_the_data_folder(ini, tmp_path, monkeypatch):
    """The strap moved out of the preferences (schema 2), so ``record --source ble`` finds it without Qt."""
    from biofeedback.storage.remembered import RememberedStrap, StrapMemory

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    old = qsettings(ini)
    old.setValue("schema_version", 1)
    old.setValue("device/address", "C0:FF:EE:12:34:56")
    old.setValue("device/name", "Polar H10")
    old.sync()
    Settings(qsettings(ini))
    assert StrapMemory().recall() == RememberedStrap("C0:FF:EE:12:34:56", "Polar H10")
    again = qsettings(ini)
    assert not again.contains("device/address") and int(again.value("schema_version")) == 2

