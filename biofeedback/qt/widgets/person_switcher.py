"""Who the session is for: shown in the window, switched in two clicks (the button, a name).

A clinic machine holds many people, each by an alias (no real name is needed). The menu lists
them, and "Someone else..." adds a new alias.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QMenu, QToolButton, QVBoxLayout, QWidget


class PersonSwitcher(QToolButton):
    """"For: Robin" with a menu of the other people.

    Signals
    -------
    person_chosen(str)
    """

    person_chosen = Signal(str)

    def __init__(self, person: str = "Me", people: list[str] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setToolTip("Whom this session is for. Choose someone else, or add an alias.")
        self.menu_ = QMenu(self)
        self.setMenu(self.menu_)
        self.people: list[str] = []
        self.person = person
        self.new_dialog: NewPersonDialog | None = None
        self.set_people(people or [], person)

    def set_people(self, people: list[str], person: str | None = None) -> None:
        """Offer these aliases; show ``person`` (or keep the current one)."""
        self.person = person or self.person
        self.people = sorted({*people, self.person}, key=str.lower)
        self.setText(f"For: {self.person}")
        self.menu_.clear()
        for alias in self.people:
            action = self.menu_.addAction(alias)
            action.setCheckable(True)
            action.setChecked(alias == self.person)
            action.triggered.connect(lambda _checked=False, a=alias: self.choose(a))
        self.menu_.addSeparator()
        self.menu_.addAction("Someone else...").triggered.connect(self.ask_new)

    def choose(self, alias: str) -> None:
        alias = alias.strip()
        if not alias:
            return
        self.set_people(self.people, alias)
        self.person_chosen.emit(alias)

    def ask_new(self) -> None:
        dialog = NewPersonDialog(self.people, self.window())
        dialog.accepted.connect(lambda: self.choose(dialog.alias()))
        self.new_dialog = dialog
        dialog.open()


class NewPersonDialog(QDialog):
    """An alias for someone new: a nickname or initials is enough."""

    def __init__(self, taken: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Someone else")
        self.taken = {t.lower() for t in taken}
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("An alias, for example initials")
        self.edit.setMaxLength(40)
        self.note = QLabel("No real name is needed. Sessions are kept under this alias on this computer.")
        self.note.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.edit.textChanged.connect(lambda text: self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(text.strip())))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.edit)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)

    def alias(self) -> str:
        return self.edit.text().strip()
