"""Files shipped with the app (``assets/``, ``sample_streams/``), found the same way installed or not.

In a wheel they live inside the package (mapped by ``pyproject.toml``); in a source checkout they
sit beside it. Never relative to the working directory.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path


def resource_path(folder: str, name: str = "") -> Path:
    """Path of ``folder/name`` where ``folder`` is ``"assets"`` or ``"sample_streams"``."""
    package = importlib.resources.files("biofeedback")
    packaged = Path(str(package)) / folder
    base = packaged if packaged.is_dir() else Path(str(package)).parent / folder
    return base / name if name else base


def sample_stream(name: str) -> Path:
    return resource_path("sample_streams", name)
