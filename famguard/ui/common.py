"""Small helpers every view uses, so that each interactive widget is named the same way for
screen readers and for tests (objectName + accessibleName), and labels show text from others as
the characters it is, never as markup. On the path to the first paint: no
`Qt` namespace import at the top (PySide creates all of its ~90 enums on that import, ~28 ms)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeVar, cast

import shiboken6
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QFocusEvent, QKeyEvent, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

if TYPE_CHECKING:
    from PySide6.QtWidgets import QScrollArea

W = TypeVar("W", bound=QWidget)

# The few `Qt` namespace values the views on the way to a family on screen need, by number (each
# checked against its enum in tests/ui/test_views.py): naming any `Qt.` enum makes PySide create
# all ~90 of that namespace's enums at once, ~25 ms of CPU before a returning guardian's family
# shows. Enum-typed settings go through Qt's property system (`setProperty`), which takes numbers.
ALIGN_CENTER = 0x0084  # Qt.AlignmentFlag.AlignCenter
SCROLL_BAR_ALWAYS_OFF = 1  # Qt.ScrollBarPolicy.ScrollBarAlwaysOff
ELIDE_RIGHT = 1  # Qt.TextElideMode.ElideRight
ACCESSIBLE_TEXT_ROLE = 11  # Qt.ItemDataRole.AccessibleTextRole
USER_ROLE = 0x0100  # Qt.ItemDataRole.UserRole
PLAIN_TEXT = 0  # Qt.TextFormat.PlainText
RICH_TEXT = 1  # Qt.TextFormat.RichText
# A property of the window, true while a start waits for its family's first paint (set by
# famguard.ui.family_painted): what is done for the keyboard meanwhile names no `Qt` enum.
FAMILY_PAINT_AWAITED = "famguardFamilyPaintAwaited"


def named(widget: W, object_name: str, accessible_name: str, description: str = "") -> W:
    """Give `widget` its objectName (tests find it by this) and accessible name (what a screen
    reader says); returns the widget so it can be used inline."""
    widget.setObjectName(object_name)
    widget.setAccessibleName(accessible_name)
    if description:
        widget.setAccessibleDescription(description)
    return widget


def shown_as_typed(widget: W) -> W:
    """Make a QLabel or QMessageBox (text and informative text) show its text as plain text: see
    `plain_label`. By number through the property system: no `Qt` namespace on the way to the
    first paint."""
    widget.setProperty("textFormat", PLAIN_TEXT)
    return widget


def plain_label(text: str = "") -> QLabel:
    """A label that shows its text as typed. QLabel's default (Qt.AutoText) renders a string with
    something like a tag before its first line break as rich text, and names, reasons, keywords
    and rule names come from other people: a teen named "Maya<br>● all changes saved" would get a fake
    second line. Labels are plain unless a view asks for `rich=True` for markup of its own (and
    escapes with `escaped` whatever text from others it puts into it)."""
    label = shown_as_typed(QLabel())
    label.setText(text)
    return label


def rich_label(markup: str = "") -> QLabel:
    """A label whose text is our own markup; text from others in it goes through `escaped`."""
    label = QLabel()
    label.setProperty("textFormat", RICH_TEXT)
    label.setText(markup)
    return label


def escaped(text: str) -> str:
    """Text from others, to be put into our own markup: shown as typed ('<' is a legitimate
    character: "I <3 this"), line breaks kept."""
    import html  # not at the top: off the path to the first paint, where no text needs it

    return html.escape(text, quote=False).replace("\n", "<br>")


def ampersands_as_letters(text: str) -> str:
    """Text from others (a name, an address) put into a button's or menu item's text: an "&" in
    it is shown as a letter, not taken as a keyboard letter ("Anne & Jo" would add Alt+J)."""
    return text.replace("&", "&&")


def without_mnemonic(text: str) -> str:
    """A button's or menu item's text as drawn: "&Undo" shows "Undo", "&&" shows "&"."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def focus_first_usable(container: QWidget, widgets: Iterable[QWidget]) -> bool:
    """Puts the keyboard at the first of `widgets` that is shown in `container` and enabled;
    whether there was one."""
    for widget in widgets:
        if widget.isVisibleTo(container) and widget.isEnabled():
            widget.setFocus()
            return True
    return False


class EnterPresses(QObject):
    """Enter presses the focused button, as Space does: Qt clicks a QPushButton on Enter only when
    it is a dialog's (auto-default), so a keyboard user who tabbed to "Change controls…" or to the
    phone's "Accept" pressed Enter and nothing happened. Enter held down is one press; dialogs keep
    Qt's own handling (Enter there is the default button's).

    The key filter sits on the focused button alone, moved by the application's focusChanged
    signal: an application-wide event filter ran Python for every event of the app (~2,000 before
    a returning guardian's family was on screen, ~40 ms of its start), and a window's
    keyPressEvent cannot tell a button's Enter from a line edit's whose returnPressed moved the
    focus onto a button (that one would be pressed too). One per application (`install`)."""

    RETURN, ENTER = 0x01000004, 0x01000005  # Qt.Key.Key_Return, Qt.Key.Key_Enter
    KEYPAD = 0x20000000  # Qt.KeyboardModifier.KeypadModifier: Enter on the number pad

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._button: QPushButton | None = None
        app.focusChanged.connect(self._focus_moved)

    INSTALLED = "famguardEnterPresses"  # a dynamic property of the application once installed

    @classmethod
    def install(cls, app: QApplication) -> None:
        # A property, not `app.findChild(cls)`: PySide fills findChild's default options argument
        # from the `Qt` namespace and so made all its ~90 enums, ~8-12 ms of CPU before a returning
        # guardian's family was on screen (cProfile of the cached start).
        if not app.property(cls.INSTALLED):
            cls(app)
            app.setProperty(cls.INSTALLED, True)

    def _focus_moved(self, _old: QWidget | None, new: QWidget | None) -> None:
        if self._button is not None and shiboken6.isValid(self._button):
            self._button.removeEventFilter(self)
        self._button = new if isinstance(new, QPushButton) and not new.autoDefault() else None
        if self._button is not None:
            self._button.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() != QEvent.Type.KeyPress or not isinstance(watched, QPushButton):
            return False
        key_event = cast(QKeyEvent, event)
        if key_event.key() not in (self.RETURN, self.ENTER) or key_event.modifiers().value & ~self.KEYPAD:
            return False
        if watched.autoDefault() or not watched.isEnabled():
            return False
        if not key_event.isAutoRepeat():
            watched.animateClick()
        return True


class RestOfAQuickPress(QObject):
    """A button the keyboard focus or a page's layout moves onto right after an action must not
    take the rest of that action's double press: two quick Spaces on the inbox's "+30 min" gave
    the answer, then pressed "Close", which had taken the keyboard as the list emptied (a support
    agent; a third Space then asked for time on the teen's phone); double-clicking "Change
    controls…" opened the controls page, and the second click pressed the "Unlink…" that sits
    where it was. Within the double-click interval (or `ms`) after `armed()`, the button ignores
    the mouse and Space, Enter and Return."""

    KEYS = (0x20, 0x01000004, 0x01000005)  # Qt.Key.Key_Space, Key_Return, Key_Enter

    def __init__(self, button: QPushButton, *, ms: int | None = None) -> None:
        super().__init__(button)
        self._armed_at = -1.0e9  # time.monotonic()
        self._ms = ms
        button.installEventFilter(self)

    def armed(self) -> None:
        self._armed_at = time.monotonic()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        mouse = (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick, QEvent.Type.MouseButtonRelease)
        keys = (QEvent.Type.KeyPress, QEvent.Type.KeyRelease)
        if kind in keys:
            if cast(QKeyEvent, event).key() not in self.KEYS:
                return False
        elif kind not in mouse:
            return False
        interval = self._ms if self._ms is not None else QApplication.doubleClickInterval()
        return (time.monotonic() - self._armed_at) * 1000 < interval


class FocusRing(QObject):
    """A ring drawn over a scroll area while the keyboard has it. A page's scroll area is a Tab
    stop (arrows and Page Down scroll it), and without a frame nothing showed that the focus was
    there: a keyboard user's Tab seemed to go nowhere (the home, the phone's screen). The ring is
    a child on top that takes no clicks, so nothing moves when it comes and goes; it is not drawn
    after a click, as Qt's own focus rectangles are not. Made at the first Tab into the area:
    its widget attribute is a `Qt` enum (see ALIGN_CENTER)."""

    KEYBOARD = (1, 2, 5)  # Qt.FocusReason: Tab, Backtab, Shortcut
    FOR_A_WHILE = (3, 4)  # ActiveWindow, Popup: the focus comes back to where it was

    def __init__(self, area: QAbstractScrollArea) -> None:
        super().__init__(area)
        self.area = area
        self.ring: QWidget | None = None
        self._by_keyboard = False
        area.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind == QEvent.Type.FocusIn and self.area.window().property(FAMILY_PAINT_AWAITED):
            # The focus the family's building sets, at a start, not a key's: its reason is a `Qt`
            # enum, and asking it made PySide create all ~90 of that namespace's (see ALIGN_CENTER)
            # before a returning guardian's family or the demo's showed (~15-25 ms of CPU).
            self._by_keyboard = False
        elif kind == QEvent.Type.FocusIn:
            reason = cast(QFocusEvent, event).reason().value
            if reason not in self.FOR_A_WHILE:
                self._by_keyboard = reason in self.KEYBOARD
            if self._by_keyboard:
                ring = self.ring = self.ring or _Ring(self.area)
                ring.setGeometry(self.area.rect())
                ring.raise_()  # above the viewport and the scroll bars
                ring.show()
        elif kind == QEvent.Type.FocusOut and self.ring is not None:
            self.ring.hide()
        elif kind == QEvent.Type.Resize and self.ring is not None and self.ring.isVisible():
            self.ring.setGeometry(self.area.rect())
        return False


class KeysFollowTheView(QObject):
    """When the page scrolls (the wheel, the scroll bar) so that the control holding the keyboard
    is out of sight, the keyboard goes to the page itself: its arrows and Page Down then scroll,
    as the guardian expects, where they had changed the hidden control — a quiet-hours time went
    from 21:08 to 02:08 unseen, a time zone to the next in the list. Tab brings it back in."""

    def __init__(self, area: QScrollArea) -> None:
        super().__init__(area)
        self.area = area
        area.verticalScrollBar().valueChanged.connect(self._scrolled)
        area.installEventFilter(self)

    TAB, BACKTAB = 0x01000001, 0x01000002  # Qt.Key.Key_Tab, Key_Backtab

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Tab from the page itself goes to the first control in sight (Shift+Tab: the last), not
        to the first of the page: Page Down to "Comments", then Tab, went back to the top's "Learn
        more" (a support agent)."""
        if watched is not self.area or event.type() != QEvent.Type.KeyPress:
            return False
        key = cast(QKeyEvent, event).key()
        if key not in (self.TAB, self.BACKTAB) or not self.area.hasFocus():
            return False
        in_sight = self._in_sight()
        if not in_sight:
            return False
        from PySide6.QtCore import Qt

        target = in_sight[0] if key == self.TAB else in_sight[-1]
        group = target.group() if isinstance(target, QAbstractButton) else None
        checked = group.checkedButton() if group is not None else None
        if checked is not None:
            target = checked  # a group of choices is one Tab stop, at the one set
        target.setFocus(Qt.FocusReason.TabFocusReason if key == self.TAB else Qt.FocusReason.BacktabFocusReason)
        return True

    def _in_sight(self) -> list[QWidget]:
        """The page's controls Tab reaches, in their Tab order, that are in sight now."""
        body = self.area.widget()
        found: list[QWidget] = []
        if body is None:
            return found
        tab_focus = 0x1  # Qt.FocusPolicy.TabFocus
        widget = self.area.nextInFocusChain()
        while widget is not None and widget is not self.area and len(found) < 500:
            if body.isAncestorOf(widget) and widget.isVisible() and widget.isEnabled():
                if widget.focusPolicy().value & tab_focus and self._in_view(widget):
                    found.append(widget)
            widget = widget.nextInFocusChain()
        return found

    def _scrolled(self, _value: int) -> None:
        from PySide6.QtCore import Qt

        focused = QApplication.focusWidget()
        body = self.area.widget()
        if focused is None or body is None or not body.isAncestorOf(focused):
            return
        if not self._in_view(focused):
            # As a keyboard's move: the ring shows that the page has the keyboard now.
            self.area.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _in_view(self, widget: QWidget) -> bool:
        """Whether `widget` is in sight: all of it, or nearly (a widget taller than the view, as
        much of it as the view holds). A time box a pixel or two in sight at the view's edge kept
        the keyboard, and Down changed a time nobody could read (a re-tester)."""
        from PySide6.QtCore import QRect

        viewport = self.area.viewport()
        seen = QRect(widget.mapTo(viewport, widget.rect().topLeft()), widget.size())
        shown = viewport.rect().intersected(seen)
        return shown.height() >= 0.9 * min(seen.height(), viewport.height()) and shown.width() > 0


class KeyboardParking:
    """A button disabled while its work runs hands the keyboard to the next widget: Close in a
    dialog (a second press of Space closed the inbox with requests waiting), or a box in another
    window (the phone's "Ask for more time" sent it to the history's "Who"). Told `busy` before
    the buttons are disabled, it puts the keyboard on `park` (a widget a stray key does nothing
    harmful on) if one of `buttons` had it; `done` puts it back on that button when it is still
    parked (`restore`), or leaves it on `park` (the inbox: the list is where an answer leads)."""

    def __init__(self, buttons: Iterable[QWidget], park: QWidget, *, restore: bool = True) -> None:
        self.buttons = list(buttons)
        self.park = park
        self.restore = restore
        self._pressed: QWidget | None = None

    def busy(self) -> None:
        from PySide6.QtCore import Qt

        focused = self.park.window().focusWidget()  # the window's, active or not
        self._pressed = focused if focused in self.buttons else None
        if self._pressed is not None:
            self.park.setFocus(Qt.FocusReason.OtherFocusReason)

    def waiting(self, on: bool) -> None:
        """`buttons` off while their work runs (`on`), then on again, the keyboard parked meanwhile."""
        if on:
            self.busy()
        for button in self.buttons:
            button.setEnabled(not on)
        if not on:
            self.done()

    def done(self) -> None:
        pressed, self._pressed = self._pressed, None
        if (
            self.restore
            and pressed is not None
            and pressed.isEnabled()
            and self.park.window().focusWidget() is self.park
        ):
            pressed.setFocus()


def page_scroll(body: QWidget, object_name: str, accessible_name: str) -> QAbstractScrollArea:
    """A page's scrolling part: frameless, `body` resized to its width, a named Tab stop (unnamed,
    a screen reader read it as "filler") with a focus ring. Used by the pages that must scroll in a
    short window rather than be squeezed (their words then drawn over each other)."""
    from PySide6.QtWidgets import QFrame, QScrollArea  # not at the top: this module is on the way to the first paint

    scroll = QScrollArea()
    scroll.setObjectName(object_name)
    scroll.setAccessibleName(accessible_name)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(body)
    FocusRing(scroll)
    KeysFollowTheView(scroll)
    return scroll


class _Ring(QWidget):
    def __init__(self, area: QWidget) -> None:
        from PySide6.QtCore import Qt

        super().__init__(area)
        self.setObjectName(f"{area.objectName()}FocusRing")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        from PySide6.QtGui import QPainter, QPalette, QPen

        painter = QPainter(self)
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Highlight), 2))
        painter.drawRect(self.rect().adjusted(1, 1, -1, -1))
        painter.end()


# What a window manager's frame may add round a window's inside (title bar, borders), for a window
# not shown yet, whose frame is not known.
FRAME_ALLOWANCE_WIDTH, FRAME_ALLOWANCE_HEIGHT = 16, 48


def resize_within_screen(window: QWidget, width: int, height: int) -> None:
    """Size a window to `width` × `height`, or less where its screen is smaller: the Safety Centre
    opened at 900 × 680 on an 800 × 600 screen, its country box and Close off the screen."""
    screen = window.screen()
    if screen is not None:
        room = screen.availableGeometry()
        width = min(width, room.width() - FRAME_ALLOWANCE_WIDTH)
        height = min(height, room.height() - FRAME_ALLOWANCE_HEIGHT)
    window.resize(width, height)


def in_documents(file_name: str) -> str:
    """Where a save dialog first offers to put `file_name`: the user's Documents folder (their
    home if there is none). A bare name was put in the folder the app was started from — for
    a desktop launch "/", for a terminal wherever it stood."""
    from pathlib import Path

    from PySide6.QtCore import QStandardPaths

    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    # Qt names ~/Documents whether or not it is there, and a file dialog given a folder that is
    # not there opens in the app's working folder (an outside tester). One stat, beside the
    # dialog's own listing of the folder it opens.
    if not folder or not Path(folder).is_dir():
        folder = str(Path.home())
    return str(Path(folder) / file_name)


def ask_where_to_save(parent: QWidget, title: str, file_name: str, file_filter: str) -> str:
    """The path the guardian chose for `file_name` (offered in Documents, `in_documents`), or ""
    when they cancelled. Qt's own file dialog (where the desktop offers none) drew each file's
    icon from its contents: typing "/proc/x.csv" made it read files there that never end, and
    the whole app froze for good (an outside tester). Its icons here are a file's or a folder's,
    known without opening anything."""
    from pathlib import Path

    from PySide6.QtCore import QFileInfo
    from PySide6.QtWidgets import QFileDialog, QFileIconProvider

    class _IconsByKind(QFileIconProvider):
        def icon(self, what: object) -> object:  # type: ignore[override]  # Qt's two overloads, in one
            if isinstance(what, QFileInfo):
                kind = QFileIconProvider.IconType.Folder if what.isDir() else QFileIconProvider.IconType.File
                return super().icon(kind)
            return super().icon(what)  # type: ignore[call-overload]

        def type(self, info: QFileInfo) -> str:
            return "Folder" if info.isDir() else "File"

    offered = Path(in_documents(file_name))
    dialog = QFileDialog(parent, title, str(offered.parent), file_filter)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    # "my report" typed is saved as "my report.csv": without its ending a spreadsheet would not open
    # it with a double click (an outside tester). A name typed with an ending of its own keeps it.
    dialog.setDefaultSuffix(offered.suffix.lstrip("."))
    icons = _IconsByKind()  # held here while the dialog runs: a dialog does not own its icon provider
    dialog.setIconProvider(icons)
    dialog.selectFile(offered.name)
    try:
        chosen = dialog.selectedFiles() if dialog.exec() else []
        return chosen[0] if chosen else ""
    finally:
        dialog.deleteLater()


# How many levels a size change may climb (a label, its editor, row, group, page, scroll area, the
# window's stack and central widget…) before what depends on the new sizes is measured.
LAYOUT_LEVELS = 10


def settle_layouts() -> None:
    """Lay out now what is waiting to be laid out: a widget shown, hidden or grown reaches its
    window through a posted LayoutRequest per level, each posted as the one below is handled, so
    a size measured (or a widget shown) before then meets the old layout."""
    for _ in range(LAYOUT_LEVELS):
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)


def one_line(edit: QLineEdit) -> QLineEdit:
    """A line break pasted into `edit` becomes a space as it arrives (at either end it goes): a
    one-line box shows a line break as a space, so the guardian saw "Dana Smith" while the form
    refused a line break they could not see or find. Only what the guardian types or pastes is
    changed (textEdited), never a value the app sets; returns the box."""

    def edited(text: str) -> None:
        if not text or text.splitlines() == [text]:
            return  # no line break (splitlines knows them all: \r\n, \u2028, \x85 …)
        lines = text.splitlines()
        while lines and not lines[0]:
            lines.pop(0)
        joined = " ".join(lines)
        cursor = edit.cursorPosition() - (len(text) - len(joined))
        edit.setText(joined)
        edit.setCursorPosition(max(0, min(cursor, len(joined))))

    edit.textEdited.connect(edited)
    return edit


def show_words(label: QLabel, text: str, spoken: str | None = None) -> None:
    """Put `text` in `label` and in its accessible description (`spoken`: the same words as plain
    text, for a rich label): a label with an accessible name is read by that name, so without this
    a screen reader said "Pairing" or "…: note", never the message itself."""
    label.setText(text)
    label.setAccessibleDescription(text if spoken is None else spoken)


# The symbols beside the words of a state (never colour alone); the words say the same, and a
# screen reader reads a symbol by its Unicode name ("black circle", "envelope").
SYMBOLS = "✓✗↻⚠◷ℹ●◐○▲✉"


def without_symbol(text: str) -> str:
    """`text` without the symbol it starts with ("✓ saved" → "saved"), for the words said aloud."""
    return text.lstrip(SYMBOLS + " ")


def without_symbols(text: str) -> str:
    """`text` without any of the state symbols: "✉ 1 request waiting, ● all changes saved" → "1 request
    waiting, all changes saved"."""
    return " ".join(word for word in text.split(" ") if word not in SYMBOLS or not word)


def announce(widget: QWidget, text: str, *, assertive: bool = False) -> None:
    """Have a screen reader say `text` now, wherever the keyboard is (Qt 6.8+: AT-SPI's
    object:announcement, UIA's notification, VoiceOver's announcement request). A changed label
    or description is read only when the guardian moves to it, and the focus is on the setting
    being changed, not on its status; the leading symbol ("✓", "✗", "⚠") is left out: it is
    read as "check mark", and the words say the same."""
    try:  # imported at the first announcement only
        from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
    except ImportError:  # Qt before 6.8 (pyproject allows 6.6): the words stay in the descriptions
        return
    words = without_symbol(text)
    if not words:
        return
    event = QAccessibleAnnouncementEvent(widget, words)
    if assertive:
        event.setPoliteness(QAccessible.AnnouncementPoliteness.Assertive)
    QAccessible.updateAccessibility(event)


def teen_title(name: str, age: int, zone: str) -> str:
    """A teen's page title, "Maya, 14 · Europe/London" (the home's and the controls page's). Never
    broken inside the time zone's name: "Europe/London" broke at its slash at 150 % (an outside
    tester); a word joiner follows each slash, and the label's accessible name says the zone
    without it."""
    unbroken = zone.replace("/", "/\u2060")
    return f"{name}, {age} · {unbroken}"


def plain_tooltip(text: str) -> str:
    """A tooltip that shows `text` as typed. Tooltips have no text format to set: Qt renders one
    that might be rich text as rich, so text with a '<' goes in escaped inside markup of ours;
    other text stays as it is (a plain tooltip wraps and looks as before)."""
    return f"<qt>{escaped(text)}</qt>" if "<" in text else text


def wrapping_label(text: str = "", object_name: str = "", *, selectable: bool = False, rich: bool = False) -> QLabel:
    """A word-wrapping label, plain text unless `rich` (see `plain_label`)."""
    label = rich_label(text) if rich else plain_label(text)
    label.setWordWrap(True)
    label.setMinimumWidth(1)  # see `heading`: a long unbroken word is cut, never widens the window
    if object_name:
        label.setObjectName(object_name)
    if selectable:
        from PySide6.QtCore import Qt  # not at the top: this module is on the path to the first paint

        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def heading(text: str, object_name: str = "", size: float = 1.4) -> QLabel:
    """A bold, larger, word-wrapping plain-text label (a teen's name is often in it)."""
    label = plain_label(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * size)
    font.setBold(True)
    label.setFont(font)
    label.setWordWrap(True)
    # A word wraps only at spaces, so a label asks to be as wide as its longest word: a teen named
    # with 80 letters and no space ("WWWW…", the service takes up to 80) pushed the guardian's
    # window past the screen's edge, with "Change controls…" and a request's answers beyond it.
    # An explicit minimum replaces that wish: the word is cut at the edge instead.
    label.setMinimumWidth(1)
    if object_name:
        label.setObjectName(object_name)
    return label


def draw_off_screen(widget: QWidget, width: int) -> None:
    """Lay out a widget that is not shown yet at about `width` and draw it into a throw-away
    pixmap, so that its first show finds it polished and the fonts' glyphs and the style's
    pictures drawn already: a page's first show spent most of its time shaping and drawing text
    for the first time (the controls page: 100-125 ms of the GUI thread). Nothing on screen changes."""
    from PySide6.QtGui import QPixmap

    if widget.isVisible() or width <= 0:
        return  # on screen already: Qt drew it
    hint = widget.sizeHint()
    height = widget.heightForWidth(width) if widget.hasHeightForWidth() else hint.height()
    widget.resize(width, max(height, hint.height(), 1))
    widget.render(QPixmap(widget.size()))


# --- a list of questions with buttons (asked of this guardian, or asked by them) ---------------


def clear_rows(rows: QLayout) -> None:
    """Take every row widget out of `rows` at once: gone from findChildren now, not when the
    event loop comes back to delete it."""
    while rows.count():
        item = rows.takeAt(0)
        if item is not None and (widget := item.widget()) is not None:
            widget.setParent(None)
            widget.deleteLater()


def set_row_busy(parent: QWidget, row_name: str, busy: bool) -> None:
    """While an answer is on its way the buttons of its row wait (a second click would send it
    twice)."""
    row = parent.findChild(QWidget, row_name)
    if row is not None:
        for button in row.findChildren(QPushButton):
            button.setEnabled(not busy)


def say_outcome(outcome: QLabel, words: str) -> None:
    """How the last answer went ("✓ …", "✗ …"), said to the screen reader too; empty: hidden."""
    show_words(outcome, words)
    outcome.setVisible(bool(words))
    if words:
        announce(outcome, words)


RING_TRIES, RING_TRY_MS = 20, 25  # a window made active again, by its window manager, within ~0.5 s


def focus_with_ring(widget: QWidget, tries: int = RING_TRIES) -> None:
    """The keyboard to `widget`, with Qt's focus ring drawn on it: a focus the app moves itself
    is otherwise drawn only after the next Tab, and a Return then acted on a button no ring
    marked (an outside tester, keyboard only). After a dialog its window is made active again by
    the window manager, a moment later: the ring is set once it is (it was not drawn after any
    dialog closed — an outside tester)."""
    from PySide6.QtCore import Qt, QTimer  # here: the namespace's enums are not made before the first paint

    if not shiboken6.isValid(widget):
        return
    window = widget.window()
    if tries < RING_TRIES and window.focusWidget() is not widget:
        return  # the keyboard went elsewhere meanwhile: it stays there
    if not window.isActiveWindow() and tries > 0:
        QTimer.singleShot(RING_TRY_MS, widget, lambda: focus_with_ring(widget, tries - 1))
    widget.setFocus(Qt.FocusReason.ShortcutFocusReason)
    window.setAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange)  # also when it had the focus
    widget.update()


def focus_first_button(parent: QWidget) -> None:
    buttons = [b for b in parent.findChildren(QPushButton) if b.isVisible() and b.isEnabled()]
    if buttons:
        buttons[0].setFocus()
