"""User preferences: one declarative schema over ``QSettings``, with defaults and a schema version.

Every persisted preference is listed once in :data:`SCHEMA` with its type, default and allowed
values. Each widget group reads and writes only its own group (``pacer/...``, ``client/...``,
``audio/...``, ``supervisor/...``) through :class:`Settings`. A value that is missing, of the wrong
type or out of range reads as its default, so a hand-edited or damaged file never breaks the app.

The store is written with ``schema_version``. :data:`MIGRATIONS` maps an old version to a function
that rewrites the store to the next version; a store written by a newer version is read as it is
and never rewritten, so going back to an older release does not destroy newer preferences.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from biofeedback.storage.session_file import DEFAULT_PERSON

log = logging.getLogger(__name__)

#: Version of the layout below. Bump it, and add a migration, whenever a key is renamed or its
#: meaning changes.
SCHEMA_VERSION = 2
VERSION_KEY = "schema_version"


@dataclass(frozen=True, slots=True)
class Setting:
    """One persisted preference.

    Attributes
    ----------
    key : str
        ``group/name``.
    default : bool, int, float or str
        Used when nothing valid is stored; its type is the setting's type.
    doc : str
        What it means, with units.
    choices : tuple of str, optional
        Allowed values of a text setting.
    minimum, maximum : float, optional
        Allowed range of a number.
    """

    key: str
    default: bool | int | float | str
    doc: str
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None

    @property
    def group(self) -> str:
        return self.key.partition("/")[0]

    @property
    def name(self) -> str:
        return self.key.partition("/")[2]

    def parse(self, raw: Any) -> bool | int | float | str:
        """The stored ``raw`` value as this setting's type, or the default if it is not valid.

        INI-backed ``QSettings`` returns every value as text, so text is parsed here.
        """
        kind = type(self.default)
        try:
            if kind is bool:
                if isinstance(raw, str):
                    if raw.lower() not in ("true", "false", "1", "0"):
                        raise ValueError(raw)
                    value = raw.lower() in ("true", "1")
                else:
                    value = bool(raw)
            else:
                value = kind(raw)
        except (TypeError, ValueError):
            log.warning("Ignoring the stored preference %s=%r: it is not a %s.", self.key, raw, kind.__name__)
            return self.default
        if self.choices and value not in self.choices:
            log.warning("Ignoring the stored preference %s=%r: it is not one of %s.", self.key, raw, ", ".join(self.choices))
            return self.default
        if (self.minimum is not None and value < self.minimum) or (self.maximum is not None and value > self.maximum):
            log.warning("Ignoring the stored preference %s=%r: it is out of range.", self.key, raw)
            return self.default
        return value


#: Every persisted preference. Pacer durations are stored, not rate and ratio, so presets such as
#: 4-7-8 come back exactly.
SCHEMA: tuple[Setting, ...] = (
    Setting("pacer/enabled", True, "Whether the breathing pacer runs."),
    Setting("pacer/preset", "resonance", "Key of the chosen pacer preset, or 'custom'."),
    Setting("pacer/inhale_s", 4.0, "Breathing in, s.", minimum=0.5, maximum=20.0),
    Setting("pacer/hold_in_s", 0.0, "Holding after breathing in, s.", minimum=0.0, maximum=20.0),
    Setting("pacer/exhale_s", 6.0, "Breathing out, s.", minimum=0.5, maximum=20.0),
    Setting("pacer/hold_out_s", 0.0, "Holding after breathing out, s.", minimum=0.0, maximum=20.0),
    Setting("client/theme", "orb", "Name of the calm view's animation theme."),
    Setting("client/reduced_motion", "system", "Replace movement with brightness changes.", choices=("system", "on", "off")),
    Setting("audio/enabled", False, "Soft tones for the breath turns and a chime at high coherence."),
    Setting("audio/volume", 0.4, "Cue volume, 0..1.", minimum=0.0, maximum=1.0),
    Setting("supervisor/appearance", "system", "Light or dark clinic view.", choices=("system", "light", "dark")),
    Setting("window/mode", "home", "What the main window opens on: the person's home screen or the clinic view.", choices=("home", "clinic")),
    Setting("home/goal_min", 0, "The session goal on the home screen, minutes (0: none).", minimum=0, maximum=180),
    Setting("session/person", DEFAULT_PERSON, "Whose sessions these are: the alias chosen last (no real name is needed)."),
)

_BY_KEY = {s.key: s for s in SCHEMA}


def make_private(path: str) -> None:
    """Make the preferences file at ``path`` and its folder readable only by their owner, like the
    sessions (a preference can say whose sessions these are). Quietly does nothing where it cannot."""
    import os
    from pathlib import Path

    file = Path(path)
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(file.parent, 0o700)
        if not file.exists():
            os.close(os.open(file, os.O_WRONLY | os.O_CREAT, 0o600))
        os.chmod(file, 0o600)
    except OSError as exc:
        log.info("Could not make the preferences private (%s): %s", path, exc)


class Store(Protocol):
    """The part of ``QSettings`` used here (so tests and a no-persistence mode can pass a dict)."""

    def value(self, key: str, default: Any = None) -> Any: ...
    def setValue(self, key: str, value: Any) -> None: ...  # noqa: N802 (Qt's name)
    def contains(self, key: str) -> bool: ...
    def remove(self, key: str) -> None: ...
    def sync(self) -> None: ...


class MemoryStore:
    """A :class:`Store` that keeps preferences for this run only."""

    def __init__(self, values: dict[str, Any] | None = None) -> None:
        self.values = dict(values or {})

    def value(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def setValue(self, key: str, value: Any) -> None:  # noqa: N802 (Qt's name)
        self.values[key] = value

    def contains(self, key: str) -> bool:
        return key in self.values

    def remove(self, key: str) -> None:
        self.values.pop(key, None)

    def sync(self) -> None:
        pass


def _move_strap_to_storage(store: Store) -> None:
    """Schema 1 -> 2: the remembered strap moved out of the preferences into the data folder
    (``storage/remembered.py``), where ``biofeedback record --source ble`` finds it without Qt."""
    from biofeedback.storage.remembered import StrapMemory

    address = store.value("device/address", "")
    if address:
        memory = StrapMemory()
        if memory.recall() is None:
            memory.remember(str(address), str(store.value("device/name", "") or ""))
    for key in ("device/address", "device/name"):
        store.remove(key)


#: version -> function that rewrites a store of that version into the next version.
MIGRATIONS: dict[int, Callable[[Store], None]] = {1: _move_strap_to_storage}


class Settings:
    """Typed access to the preferences in ``store`` (a ``QSettings`` in the app)."""

    def __init__(self, store: Store | None = None) -> None:
        self.store: Store = store if store is not None else MemoryStore()
        self.migrate()

    def migrate(self) -> None:
        """Bring an older store up to :data:`SCHEMA_VERSION`; stamp a new one."""
        if not self.store.contains(VERSION_KEY):
            self.store.setValue(VERSION_KEY, SCHEMA_VERSION)
            return
        try:
            version = int(self.store.value(VERSION_KEY))
        except (TypeError, ValueError):
            log.warning("The preferences have an unreadable schema version; using defaults where needed.")
            self.store.setValue(VERSION_KEY, SCHEMA_VERSION)
            return
        if version > SCHEMA_VERSION:
            log.info("The preferences were written by a newer version (schema %d); reading what this version knows.", version)
            return
        while version < SCHEMA_VERSION:
            MIGRATIONS[version](self.store)
            version += 1
            self.store.setValue(VERSION_KEY, version)

    def value(self, key: str) -> bool | int | float | str:
        setting = _BY_KEY[key]
        if not self.store.contains(key):
            return setting.default
        return setting.parse(self.store.value(key))

    def set_value(self, key: str, value: bool | int | float | str) -> None:
        setting = _BY_KEY[key]
        if setting.parse(value) != value:
            raise ValueError(f"{value!r} is not a valid value for {key}")
        self.store.setValue(key, value)

    def group(self, name: str) -> dict[str, bool | int | float | str]:
        """All of one group's preferences by short name, e.g. ``group("pacer")["inhale_s"]``."""
        return {s.name: self.value(s.key) for s in SCHEMA if s.group == name}

    def save_group(self, name: str, values: dict[str, bool | int | float | str]) -> None:
        """Write some of one group's preferences (short names), then flush to disk."""
        for short, value in values.items():
            self.set_value(f"{name}/{short}", value)
        self.store.sync()
