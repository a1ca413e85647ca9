"""The main window: which screen is showing (welcome, sign-in, starting, family), the banners,
the menus, the demo badge with "Reset demo", and the "Teen's phone" dock. It owns the views; the
controller drives them.

The pages of one teen (right of the teen list) are registered by name, with a factory and the
title the View menu shows, and built on first use (`register_page`, `page`, `show_page`): a new
screen is a view, a presenter and one `register_page` line in `_register_pages`; the View menu
lists every registered page by itself (Ctrl+1, Ctrl+2, … in registration order), and the home is
the page a teen opens on. The Help menu is a plain list: one `help_menu.addAction` line adds an
entry.

Banners sit below the page, never above it: one appearing never moves what is under the pointer."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar, cast

from PySide6.QtCore import QEvent, QObject, QRect, QSize, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from famguard import __version__
from famguard.ui.banners import Banner, OfflineBanner
from famguard.ui.common import (
    ALIGN_CENTER,
    EnterPresses,
    ampersands_as_letters,
    focus_with_ring,
    heading,
    named,
    plain_tooltip,
    settle_layouts,
    wrapping_label,
)

if TYPE_CHECKING:
    from famguard.ui.controls_page import ControlsPage
    from famguard.ui.family import TeenList
    from famguard.ui.home import HomePage
    from famguard.ui.signin import SignInView
    from famguard.ui.teen_panel import TeenPhonePanel
    from famguard.ui.welcome import WelcomeView

WINDOW_TITLE = "FamGuard"
HOME_PAGE = "home"
CONTROLS_PAGE = "controls"
SCREEN_TIME_PAGE = "screen_time"
HISTORY_PAGE = "history"
PHONE_PAGE = "phone"
# The demo bar's line, and the one it says where the window is too narrow for it (_fit_demo_bar).
DEMO_WORDS = "Practice family — nothing here is real or saved."
DEMO_WORDS_SHORT = "Practice family, not real."
# After the first paint (or a resize) of the window, when its frame is known: see _keep_frame_within_screen.
FRAME_SETTLE_MS = 300
INBOX_KEYS = "Ctrl+I"  # the inbox's own shortcut (with Alt+I too while the list is folded)
PHONE_DOCK_WIDTH = 340  # the demo's Teen's phone, where the window has room for it
NARROWEST_PAGE = 200  # a teen's page squeezed to fit a small screen never gets less than this
P = TypeVar("P", bound=QWidget)


def _home_page() -> QWidget:
    from famguard.ui.home import HomePage

    return HomePage()


def _controls_page() -> QWidget:
    from famguard.ui.controls_page import ControlsPage  # the one heavy view: imported on first use

    return ControlsPage()


def _lazy(module: str, name: str) -> Callable[[], QWidget]:
    """A page factory that imports its view on first use (off the path to the first paint)."""
    return lambda: cast("Callable[[], QWidget]", getattr(importlib.import_module(module), name))()


def _text_action(text: str, parent: QObject) -> QAction:
    """`QAction(text, parent)` without resolving its overloads, which made PySide create QIcon's
    enums (its 151 theme icons: ~4 ms of CPU before the first paint) for a constructor taking an
    icon. Qt's constructor only sets the text, as `setText` does."""
    action = QAction(parent)
    action.setText(text)
    return action


class _FirstPaint(QObject):
    """Notices the first Paint event of the window (what a person sees as 'it opened')."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            # After this paint has finished, not in the middle of it.
            QTimer.singleShot(0, self._window.first_painted.emit)
        return False


def _natural_minimum_width(page: QWidget) -> int:
    """A page's minimum width as its rows need it, not as squeezed to a small screen."""
    natural = getattr(page, "natural_minimum_width", None)
    return int(natural()) if callable(natural) else max(page.minimumWidth(), page.minimumSizeHint().width())


class _OnLayoutRequest(QObject):
    """Calls back when a widget's layout asks to be redone (a child's minimum size changed), before
    the window lays itself out again with it."""

    def __init__(self, watched: QWidget, callback: Callable[[], None]) -> None:
        super().__init__(watched)
        self._callback = callback
        watched.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LayoutRequest:
            self._callback()
        return False


class _F10ClosesMenus(QObject):
    """F10 again, with a menu open, closes the menus (the open menu took the key and ignored it: a
    parent-tester pressed F10 twice to put the menus away, as on most desktops)."""

    def __init__(self, window: QMainWindow, menus: tuple[QMenu, ...]) -> None:
        super().__init__(window)
        self._window = window
        for menu in menus:
            menu.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        from PySide6.QtCore import Qt  # not before the first paint: the namespace costs ~11 ms

        if event.key() != Qt.Key.Key_F10 or event.modifiers() != Qt.KeyboardModifier.NoModifier:
            return False
        for menu in self._window.menuBar().findChildren(QMenu):
            menu.hide()
        return True


class MainWindow(QMainWindow):
    first_painted = Signal()
    resized = Signal()  # after the window's size changed (the room beside the demo's phone with it)
    sign_in_built = Signal(object)  # the sign-in form, made the first time it is needed
    sign_out_requested = Signal()
    reset_demo_requested = Signal()
    demo_ask_to_join_requested = Signal()  # practice: an account asks to join the teen's guardians
    add_teen_requested = Signal()
    page_requested = Signal(str)  # a page of the selected teen, by its registered name
    page_built = Signal(str)  # a registered page was built (on its first showing): its presenter wires it
    safety_centre_requested = Signal(str)  # a section ("" for the start) of the Safety Centre
    agreement_requested = Signal()
    inbox_requested = Signal()
    preferences_requested = Signal()
    closing = Signal()
    # The sign-in form's, passed on: the form is built when first shown (a returning guardian's
    # family opens without it), the controller listens from the start.
    sign_in_submitted = Signal(object)  # a SignInRequest
    sign_in_cancelled = Signal()
    # The welcome screen's choices, passed on likewise (it is built when first shown).
    sign_in_chosen = Signal()
    create_account_chosen = Signal()
    demo_chosen = Signal()

    def __init__(self, parent: QWidget | None = None, *, starting: bool = False) -> None:
        """`starting`: open on the plain starting screen instead of the welcome screen — a
        returning guardian's start, whose family from the local store comes next (the welcome
        screen is then built only if the start ends up needing it)."""
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle(WINDOW_TITLE)
        self.setAccessibleName("FamGuard")
        self._resize_within_screen(1100, 760)
        self.installEventFilter(_FirstPaint(self))
        app = QApplication.instance()
        if isinstance(app, QApplication):
            EnterPresses.install(app)
        self.first_painted.connect(lambda: QTimer.singleShot(FRAME_SETTLE_MS, self._keep_frame_within_screen))

        self.screens = QStackedWidget()
        self.screens.setObjectName("screens")
        # Every screen is built on first use: the first screen before the first paint, the others
        # after it.
        self._welcome: WelcomeView | None = None
        self._starting: QWidget | None = None
        self._sign_in: SignInView | None = None
        self._family: QSplitter | None = None
        self._page_factories: dict[str, Callable[[], QWidget]] = {}
        self._page_titles: dict[str, str] = {}
        self._pages: dict[str, QWidget] = {}
        self._page_actions: dict[str, QAction] = {}
        self._extra_view_actions: list[QAction] = []
        self.close_to_tray: Callable[[], bool] = lambda: False  # the controller says when to hide instead
        # Whether quitting may go on now; False: the controller asks first (unsent changes) and
        # then quits with `quit_now`, or not at all.
        self.may_quit: Callable[[], bool] = lambda: True
        self._quit_decided = False

        self.offline_banner = OfflineBanner()
        self.notice = Banner("noticeBanner", "Notice")
        self._standing_notice: str | None = None  # see show_notice
        self._covered_notice: tuple[str, int] | None = None  # a passing one under another: words, ms left
        self.notice.gone.connect(lambda dismissed: self._notice_gone(dismissed=dismissed))
        self.notice.focus_left.connect(lambda: self._focus_within())
        central = QWidget()
        layout = self._banners_below_screens = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.screens, 1)
        layout.addWidget(self.offline_banner)
        layout.addWidget(self.notice)
        self._banners_below_page: QVBoxLayout | None = None  # in the family view (_place_banners)
        self.setCentralWidget(central)
        self.teen_phone: TeenPhonePanel | None = None  # the demo's dock, built on demand

        self._build_menus()
        # "What does my teen see?" (PRODUCT.md, story 13): at the foot of the phone page, which an
        # outside tester did not find from the menus; this goes straight to it.
        self.teen_view_action = _text_action("&What the teen sees", self)
        self.teen_view_action.setObjectName("viewTeenSees")
        self.teen_view_action.triggered.connect(self._show_teen_view)
        # The way to another teen while the demo's phone has folded the list away (an 800-px or a
        # 150 % screen): an outside tester found none but hiding the phone.
        self.next_teen_action = _text_action("Ne&xt teen", self)
        self.next_teen_action.setObjectName("viewNextTeen")
        self.next_teen_action.setShortcuts([QKeySequence("Ctrl+PgDown")])
        self.next_teen_action.triggered.connect(lambda: self.teen_list.select_next(1))
        self.previous_teen_action = _text_action("Pre&vious teen", self)
        self.previous_teen_action.setObjectName("viewPreviousTeen")
        self.previous_teen_action.setShortcuts([QKeySequence("Ctrl+PgUp")])
        self.previous_teen_action.triggered.connect(lambda: self.teen_list.select_next(-1))
        self._register_pages()
        # The demo's bar is made when a demo starts: adding a tool bar to the window cost every
        # start ~5 ms before its first paint, for a bar only the demo shows.
        self._demo_bar: QToolBar | None = None
        self._your_teens_action: QAction | None = None  # Alt+Y while the demo's phone folds the list away
        self.screens.currentChanged.connect(lambda _index: self._enable_page_actions())
        self.screens.currentChanged.connect(lambda _index: self._place_banners())
        if starting:
            self.show_starting("")
        else:
            self.show_welcome()

    # --- chrome ------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        # `setShortcuts`, never `setShortcut`: PySide resolves setShortcut's overloads by creating
        # every enum of the `Qt` namespace (~30-50 ms of CPU before the first paint).
        bar = self.menuBar()
        # "Acc&ount": Alt+A belongs to "Add a teen" and Alt+C to "Change controls" on the family screen.
        self.account_menu = bar.addMenu("Acc&ount")
        self.account_menu.setObjectName("accountMenu")
        self.who_action = _text_action("Not signed in", self)
        self.who_action.setEnabled(False)
        self.server_action = _text_action("", self)
        self.server_action.setEnabled(False)
        self.add_teen_action = _text_action("&Add a teen…", self)
        self.add_teen_action.setShortcuts(QKeySequence.StandardKey.New)
        self.add_teen_action.triggered.connect(self.add_teen_requested)
        self.sign_out_action = _text_action("Sign &out…", self)
        self.sign_out_action.triggered.connect(self.sign_out_requested)
        self.preferences_action = _text_action("&Preferences…", self)
        self.preferences_action.setShortcuts([QKeySequence("Ctrl+,")])
        self.preferences_action.triggered.connect(self.preferences_requested)
        self.quit_action = _text_action("&Quit", self)
        self.quit_action.setShortcuts(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        for action in (self.who_action, self.server_action):
            self.account_menu.addAction(action)
        self.account_menu.addSeparator()
        self.account_menu.addAction(self.add_teen_action)
        self.agreement_action = _text_action("Family a&greement…", self)
        self.agreement_action.triggered.connect(self.agreement_requested)
        self.account_menu.addAction(self.agreement_action)
        self.account_menu.addAction(self.preferences_action)
        self.account_menu.addAction(self.sign_out_action)
        self.account_menu.addSeparator()
        self.account_menu.addAction(self.quit_action)
        self.view_menu = bar.addMenu("&View")
        self.view_menu.setObjectName("viewMenu")
        self.inbox_action = _text_action("&Requests inbox", self)
        self.inbox_action.setShortcuts([QKeySequence(INBOX_KEYS)])
        self.inbox_action.triggered.connect(self.inbox_requested)
        self.help_menu = bar.addMenu("&Help")
        self.help_menu.setObjectName("helpMenu")
        # One line per entry.
        self.help_menu.addAction(self._action("&Getting started", self._getting_started, "F1"))
        self.help_menu.addAction(self._action("&Safety Centre…", lambda: self.safety_centre_requested.emit("")))
        self.help_menu.addAction(self._action("&Keyboard shortcuts", self._shortcuts))
        self.help_menu.addAction(self._action("&About FamGuard", self._about))
        # F10 opens the menu bar at its first menu, as on most desktops: a keyboard user who did
        # not know the Alt letters pressed it and nothing happened (an outside tester).
        self.menu_key_action = self._action("Open the menus", self._open_menus, "F10")
        # `addActions`: resolving `addAction`'s overloads made PySide create four enums (~1 ms of
        # CPU before a returning guardian's first paint).
        self.addActions([self.menu_key_action])
        self._f10_closes = _F10ClosesMenus(self, (self.account_menu, self.view_menu, self.help_menu))
        self.server_url = ""
        self.set_account(None, None)

    def _open_menus(self) -> None:
        bar = self.menuBar()
        bar.setActiveAction(self.account_menu.menuAction())

    def _action(self, text: str, slot: Callable[[], object], keys: str = "") -> QAction:
        action = _text_action(text, self)
        if keys:
            action.setShortcuts([QKeySequence(keys)])
        action.triggered.connect(slot)
        return action

    def add_view_action(self, action: QAction) -> None:
        """An entry of the View menu below the pages (the inbox, the demo's Teen's phone)."""
        self._extra_view_actions.append(action)
        self._rebuild_view_menu()

    def _rebuild_view_menu(self) -> None:
        """The pages of the selected teen, as registered, then the inbox and the extras."""
        import shiboken6

        menu = self.view_menu
        menu.clear()
        for action in self._page_actions.values():
            menu.addAction(action)
        menu.addAction(self.teen_view_action)
        menu.addSeparator()
        menu.addAction(self.next_teen_action)
        menu.addAction(self.previous_teen_action)
        menu.addSeparator()
        menu.addAction(self.inbox_action)
        self._extra_view_actions = [a for a in self._extra_view_actions if shiboken6.isValid(a)]
        for action in self._extra_view_actions:
            menu.addAction(action)
        self._enable_page_actions()

    def _enable_page_actions(self) -> None:
        """A teen's pages can be chosen while a teen is shown, the inbox while a family is (after a
        sign-out they stayed enabled on the welcome screen, and did nothing)."""
        on_family = self._family is not None and self.screens.currentWidget() is self._family
        teen_shown = on_family and self._teen_pages.currentWidget() is not self.no_teen
        for action in (*self._page_actions.values(), self.teen_view_action):
            action.setEnabled(teen_shown)
        for action in (self.next_teen_action, self.previous_teen_action):
            action.setEnabled(on_family)
        self.inbox_action.setEnabled(on_family)

    @property
    def demo_bar(self) -> QToolBar:
        if self._demo_bar is None:
            self._demo_bar = self._build_demo_bar()
        return self._demo_bar

    def in_demo(self) -> bool:
        """The demo is on (its bar shown), or starting."""
        return self._demo_bar is not None and self._demo_bar.isVisibleTo(self)

    def _build_demo_bar(self) -> QToolBar:
        bar = QToolBar("Demo")
        bar.setObjectName("demoBar")
        bar.setMovable(False)
        self.demo_badge = named(QLabel(" DEMO "), "demoBadge", "Demo mode", "A made-up family on a practice service")
        self.demo_badge.setStyleSheet(
            "#demoBadge { background: #6a1b9a; color: white; font-weight: bold; border-radius: 3px; padding: 2px; }"
        )
        self.demo_text = named(QLabel(f"  {DEMO_WORDS}  "), "demoText", DEMO_WORDS)
        self.reset_demo_button = named(QPushButton("&Reset demo"), "resetDemoButton", "Reset demo")
        self.reset_demo_button.clicked.connect(self._ask_reset_demo)
        self.ask_to_join_button = named(
            QPushButton("Someone asks to &join"),
            "demoAskToJoinButton",
            "Practise: someone asks to join",
            "A practice account pairs with the teen on the phone: you approve or refuse it, as a guardian must",
        )
        self.ask_to_join_button.clicked.connect(self.demo_ask_to_join_requested)
        bar.addWidget(self.demo_badge)
        bar.addWidget(self.demo_text)
        bar.addWidget(self.ask_to_join_button)
        bar.addWidget(self.reset_demo_button)
        self.addToolBar(bar)  # at the top
        bar.setVisible(False)
        return bar

    def set_demo(self, demo: bool) -> None:
        if demo or self._demo_bar is not None:
            self.demo_bar.setVisible(demo)
            self._fit_demo_bar()
        self.setWindowTitle(f"{WINDOW_TITLE} — Demo" if demo else WINDOW_TITLE)

    def _fit_demo_bar(self) -> None:
        """The demo bar's line in full where the bar has room for it, else in short: at 150 % on a
        1024 × 768 screen the full line pushed "Teen's phone" into the bar's » overflow, out of
        sight (the 150 % tester). The full words stay the line's accessible name."""
        bar = self._demo_bar
        if bar is None or not bar.isVisibleTo(self):
            return
        label = self.demo_text
        shown = label.text()
        frame = label.sizeHint().width() - label.fontMetrics().horizontalAdvance(shown)
        others = bar.sizeHint().width() - label.sizeHint().width()
        fits = others + frame + label.fontMetrics().horizontalAdvance(f"  {DEMO_WORDS}  ") <= self.width()
        wanted = f"  {DEMO_WORDS if fits else DEMO_WORDS_SHORT}  "
        if shown != wanted:
            label.setText(wanted)
            label.setToolTip("" if fits else plain_tooltip(DEMO_WORDS))

    def set_account(self, who: str | None, server: str | None) -> None:
        signed_in = who is not None
        self.who_action.setText(f"Signed in as {ampersands_as_letters(who)}" if who is not None else "Not signed in")
        self.server_url = server or ""
        self.server_action.setText(f"Server: {ampersands_as_letters(server)}" if server else "")
        self.server_action.setVisible(bool(server))
        self.sign_out_action.setEnabled(signed_in)
        self.add_teen_action.setEnabled(signed_in)
        self.agreement_action.setEnabled(signed_in)

    def _resize_within_screen(self, width: int, height: int) -> None:
        """On a small screen (1024 × 700) a fixed size put the demo's phone panel off its edge."""
        screen = self.screen()
        if screen is not None:
            room = screen.availableGeometry()
            width, height = min(width, room.width()), min(height, room.height())
        self.resize(width, height)
        if self.isVisible():  # framed already: the frame is known once the resize is done
            QTimer.singleShot(FRAME_SETTLE_MS, self._keep_frame_within_screen)

    def _keep_frame_within_screen(self) -> None:
        """The size above is the window's inside; the window manager's frame (title bar, borders)
        comes on top, only known once it is on screen. On a small screen (800 × 600, a 1024 × 600
        netbook) the frame took the bottom ~20 px off the screen, "Add a teen" among them: the
        window gives up what its frame takes past the usable area, and moves back into it."""
        screen = self.screen()
        if screen is None or self.isMaximized() or self.isFullScreen():
            return
        # How narrow the pages may be was worked out before the frame was known: the demo opened
        # 2 px wider than a 683-px screen (150 % on 1024 × 768) and could not give them back.
        self._fit_family_within_screen()
        settle_layouts()
        room, frame = screen.availableGeometry(), self.frameGeometry()
        over_width, over_height = frame.width() - room.width(), frame.height() - room.height()
        if over_width > 0 or over_height > 0:
            self.resize(self.width() - max(0, over_width), self.height() - max(0, over_height))
            frame = self.frameGeometry()
        left = max(room.left(), min(frame.left(), room.right() + 1 - frame.width()))
        top = max(room.top(), min(frame.top(), room.bottom() + 1 - frame.height()))
        if (left, top) != (frame.left(), frame.top()):
            self.move(left, top)  # a window's position is its frame's

    def ensure_teen_phone(self) -> TeenPhonePanel:
        if self.teen_phone is None:
            from PySide6.QtCore import Qt
            from PySide6.QtWidgets import QToolButton

            from famguard.ui.teen_panel import TeenPhonePanel

            self.teen_phone = phone = TeenPhonePanel(self)
            if self.width() < 1360:
                self._resize_within_screen(1360, self.height())  # room for both sides of the demo
            # Before the dock joins the layout: a readable phone beside the whole family is wider
            # than an 800-pixel screen, and the window would grow past the screen's edge.
            self._fit_family_within_screen()
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, phone)
            self.resizeDocks([phone], [PHONE_DOCK_WIDTH], Qt.Orientation.Horizontal)
            phone.visibilityChanged.connect(self._fit_family_within_screen)
            phone.about_to_show.connect(lambda: self._fit_family_within_screen(showing=True))
            phone.topLevelChanged.connect(self._fit_family_within_screen)
            toggle = phone.toggleViewAction()
            toggle.setText("&Teen's phone")
            toggle.setShortcut(QKeySequence("Ctrl+T"))
            toggle.setToolTip("Show or hide the teen's phone (Ctrl+T)")
            self.add_view_action(toggle)
            # In the demo bar too: on a narrow screen, hiding the phone is the way back to the
            # list of teens, and a person must see that way, not know a menu.
            self.demo_bar.addAction(toggle)
            button = named(self.demo_bar.widgetForAction(toggle), "teenPhoneToggle", "Teen's phone")
            if isinstance(button, QToolButton):
                # A button among buttons, reached by Tab: flat, it read as plain text when the
                # phone was hidden, and Tab passed it by (two outside testers).
                button.setAutoRaise(False)
                button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
                # In the bar's order, after "Reset demo": made later, Tab reached it first (a tester).
                QWidget.setTabOrder(self.reset_demo_button, button)
            self._fit_demo_bar()
        return self.teen_phone

    def _fit_family_within_screen(self, *, showing: bool = False) -> None:
        """The demo's phone keeps its readable width (TeenPhonePanel's minimum); when the window is
        too narrow for it beside the whole family (an 800-pixel screen), the list of teens folds
        away while the phone is docked, so the selected teen's page and the teen's phone sit side
        by side — the two halves of a demo. Hiding or floating the phone (Ctrl+T, the demo bar's
        "Teen's phone", View) or a wider window brings the list back. `showing`: the phone is
        hidden and about to be shown. Then, when the screen is still too narrow for the page's
        minimum beside what else is shown (150 % scale on a 1024 × 768 screen), the page scrolls
        sideways instead of running past the screen's edge (_squeeze_pages_to_screen)."""
        phone, family = self.teen_phone, self._family
        if family is None:
            return
        docked = phone is not None and (showing or not phone.isHidden()) and not phone.isFloating()
        if phone is not None:
            fold = docked and (
                self._room_width() < self._width_beside_pages(phone, with_list=True) + self._widest_page_minimum()
            )
            if fold != self._teen_list.isHidden():
                self._teen_list.setHidden(fold)
                self._list_keys_to_actions(fold)
                if fold:
                    # The family's smaller minimum reaches the window through posted layout requests; a
                    # phone shown, or a page grown, before they are handled was added to the old one,
                    # and the window grew past the screen's edge (957 px on an 800-px screen).
                    settle_layouts()
            if fold and phone.width() < PHONE_DOCK_WIDTH:
                # The list's room goes to the phone (up to its usual width), not all to the page: the
                # dock was squeezed to its minimum while the list still took its place.
                QTimer.singleShot(0, self, self._widen_teen_phone)  # once the layout knows the list is gone
        self._squeeze_pages_to_screen(phone if docked else None)

    def _list_keys_to_actions(self, folded: bool) -> None:
        """The list's buttons answer Alt+A ("Add a teen") and Alt+I ("Requests inbox"). Folded
        away, they did not, and the keys reached the box with the focus: Alt+A typed an "a" into
        the phone's Reason field (the 150 % tester). While the list is folded, the menu's actions
        take those keys; shown, its buttons have them again (both at once, neither would answer)."""
        new = QKeySequence.keyBindings(QKeySequence.StandardKey.New)
        self.add_teen_action.setShortcuts([*new, QKeySequence("Alt+A")] if folded else new)
        self.inbox_action.setShortcuts([QKeySequence(INBOX_KEYS), *([QKeySequence("Alt+I")] if folded else [])])
        # Alt+Y, "Your teens", brings the list back (the phone hidden) and puts the keyboard on it:
        # it did nothing while the list was folded away (the 150 % tester). Made the first time.
        if folded and self._your_teens_action is None:
            self._your_teens_action = _text_action("Your teens", self)
            self._your_teens_action.triggered.connect(self._bring_back_teen_list)
            self.addActions([self._your_teens_action])
        if self._your_teens_action is not None:
            self._your_teens_action.setShortcuts([QKeySequence("Alt+Y")] if folded else [])

    def _bring_back_teen_list(self) -> None:
        phone = self.teen_phone
        if phone is not None and self._teen_list.isHidden() and not phone.isHidden():
            phone.toggleViewAction().trigger()  # hidden: the list comes back (_fit_family_within_screen)
        QTimer.singleShot(0, self, lambda: focus_with_ring(self._teen_list.list))

    def _squeeze_pages_to_screen(self, docked_phone: QWidget | None) -> None:
        """How narrow the teen's pages may be: their own minimum, unless the screen (not the
        window: a guardian narrowing the window meets the pages' minimum as before) cannot hold it
        beside the list (when shown) and the docked phone — 150 % scale on a 1024 × 768 screen,
        683 px wide to Qt, where the controls page's rows need ~465 px. A page that can scroll
        sideways (`squeeze_to`: the controls page) then does, instead of the window running past
        the screen's edge; one that fits is left alone."""
        screen = self.screen()
        if screen is None:
            return
        room = screen.availableGeometry().width() - self.frame_size().width()
        beside = self._width_beside_pages(docked_phone, with_list=not self._teen_list.isHidden())
        allowed = max(NARROWEST_PAGE, room - beside)
        changed = False
        for page in self._pages.values():
            squeeze_to = getattr(page, "squeeze_to", None)
            if callable(squeeze_to):
                changed |= bool(squeeze_to(allowed if _natural_minimum_width(page) > allowed else None))
        if changed:
            # The stack's minimum follows its pages' through a posted layout request, which the
            # window's layout, asked before it is handled, did not wait for (it kept the old one).
            # Only then: this runs at every resize and every layout request of the pages.
            self._teen_pages.updateGeometry()

    def _width_beside_pages(self, docked_phone: QWidget | None, *, with_list: bool) -> int:
        """What the window needs beside the teen's pages: its own margins, the list of teens when
        shown, the demo's phone when docked, and the separators between them."""
        central = self.centralWidget()
        margins = central.contentsMargins() if central is not None else None
        width = margins.left() + margins.right() if margins is not None else 0
        if with_list:
            width += max(self._teen_list.minimumWidth(), self._teen_list.minimumSizeHint().width())
            width += self._family.handleWidth() if self._family is not None else 0
        if docked_phone is not None:
            # Imported here: touching QStyle makes PySide create its ~11 enums, on the way to a
            # returning guardian's first paint, which has no phone.
            from PySide6.QtWidgets import QStyle

            width += docked_phone.minimumSizeHint().width()
            width += self.style().pixelMetric(QStyle.PixelMetric.PM_DockWidgetSeparatorExtent)
        return width

    def _widest_page_minimum(self) -> int:
        """Each page's own minimum, not the page stack's: asked when a page's minimum has just grown,
        the stack's layout still has the old one (it is redone after this). A page squeezed to the
        screen counts at its own width, so whether the list folds does not follow the squeeze."""
        pages = [self._teen_pages.widget(i) for i in range(self._teen_pages.count())]
        return max((_natural_minimum_width(p) for p in pages if p is not None), default=0)

    def _widen_teen_phone(self) -> None:
        from PySide6.QtCore import Qt

        phone, central = self.teen_phone, self.centralWidget()
        if phone is None or central is None or not self._teen_list.isHidden() or phone.isFloating():
            return
        spare = central.width() - central.minimumSizeHint().width()
        width = min(PHONE_DOCK_WIDTH, phone.width() + max(0, spare))
        if width > phone.width():
            self.resizeDocks([phone], [width], Qt.Orientation.Horizontal)

    def _room_width(self) -> int:
        """The window's inside width, at most what the screen leaves beside the window's frame."""
        width = self.width()
        screen = self.screen()
        if screen is not None:
            width = min(width, screen.availableGeometry().width() - self.frame_size().width())
        return width

    def room_beside_teen_phone(self) -> QRect | None:
        """Where a dialog of the demo may sit without covering the docked Teen's phone: the
        window's frame left of the phone, within the screen (global coordinates, frame included).
        None without a docked, shown phone."""
        phone = self.teen_phone
        if phone is None or not phone.isVisible() or phone.isFloating():
            return None
        frame = self.frameGeometry()
        left, right = QRect(frame), QRect(frame)
        # As wide as the phone may yet become by itself (_widen_teen_phone, while the controls
        # page is still being built): a wizard placed now stays clear of it then.
        phone_left = min(phone.mapToGlobal(phone.rect().topLeft()).x(), frame.right() - PHONE_DOCK_WIDTH)
        phone_right = max(phone.mapToGlobal(phone.rect().topRight()).x(), frame.left() + PHONE_DOCK_WIDTH)
        left.setRight(phone_left - 1)  # docked right, as it opens
        right.setLeft(phone_right + 1)  # docked left by the person
        room = left if left.width() >= right.width() else right
        screen = self.screen()
        return room.intersected(screen.availableGeometry()) if screen is not None else room

    def frame_size(self) -> QSize:
        """What the window manager's frame adds to a window's inside (none before it is framed)."""
        return self.frameGeometry().size() - self.geometry().size()

    def _ask_reset_demo(self) -> None:
        from famguard.ui.dialogs import confirm_reset_demo  # the dialogs, after the first paint

        if confirm_reset_demo(self):
            self.reset_demo_requested.emit()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit_family_within_screen()
        self._fit_demo_bar()
        if event.size().width() > event.oldSize().width() > 0 and self._past_the_screen():
            # Grown by its own layout (a page's minimum, the phone docked), not by the guardian:
            # back within the screen once the layout has settled.
            QTimer.singleShot(0, self, self._keep_frame_within_screen)
        self.resized.emit()

    def _past_the_screen(self) -> bool:
        screen = self.screen()
        return screen is not None and self.frameGeometry().width() > screen.availableGeometry().width()

    def prebuild_controls_page(self) -> None:
        """Build the controls page a row per event-loop turn while the guardian is busy elsewhere."""
        page = self.ensure_controls_page()

        def step() -> None:
            if page.build_next():
                QTimer.singleShot(0, page, step)

        # The page is the timer's context: a page deleted mid-build (window closed) stops the chain
        # instead of a late step touching destroyed widgets.
        QTimer.singleShot(0, page, step)

    # --- the pages of one teen ----------------------------------------------------------------

    def _register_pages(self) -> None:
        self.register_page(HOME_PAGE, _home_page, "&Home")  # first: what a teen opens on
        self.register_page(CONTROLS_PAGE, _controls_page, "&Controls")
        self.register_page(SCREEN_TIME_PAGE, _lazy("famguard.ui.screen_time_page", "ScreenTimePage"), "Scree&n time")
        self.register_page(HISTORY_PAGE, _lazy("famguard.ui.history_page", "ChangeHistoryPage"), "Change hi&story")
        # the phone's receipt, temporary rules, what the teen sees
        self.register_page(PHONE_PAGE, _lazy("famguard.ui.trust_page", "TrustPage"), "&Phone and temporary rules")

    def register_page(self, name: str, build: Callable[[], QWidget], title: str = "") -> None:
        """A page of one teen, built by `build()` the first time it is asked for, listed in the
        View menu as `title` (give it a mnemonic not used there yet; default: the name)."""
        title = title or name.replace("_", " ").capitalize()
        self._page_factories[name] = build
        self._page_titles[name] = title
        action = _text_action(title, self)
        action.setObjectName(f"viewPage_{name}")
        action.setShortcuts([QKeySequence(f"Ctrl+{len(self._page_actions) + 1}")])
        # Through the family presenter, which knows whether a teen is selected and wires a page
        # that needs it on first showing.
        action.triggered.connect(lambda _c=False, n=name: self.page_requested.emit(n))
        self._page_actions[name] = action
        self._rebuild_view_menu()

    def _show_teen_view(self) -> None:
        self.page_requested.emit(PHONE_PAGE)  # shown and wired by the family presenter
        page = self._pages.get(PHONE_PAGE)
        show_preview = getattr(page, "show_preview", None)
        if page is not None and page is self.teen_pages.currentWidget() and callable(show_preview):
            QTimer.singleShot(0, show_preview)  # once the page is laid out: where the preview is

    def built_page(self, name: str) -> QWidget | None:
        """The page registered as `name` if it was built already (None: nothing to update yet)."""
        return self._pages.get(name)

    @property
    def page_names(self) -> tuple[str, ...]:
        return tuple(self._page_factories)

    def page(self, name: str, kind: type[P]) -> P:
        """The page registered as `name` (built now if it was not yet), checked to be a `kind`."""
        widget = self._pages.get(name)
        if widget is None:
            widget = self._pages[name] = self._page_factories[name]()
            self.teen_pages.addWidget(widget)
            self._fit_family_within_screen()  # a page's minimum width (the controls') may not fit beside the phone
            self.page_built.emit(name)
        if not isinstance(widget, kind):
            raise TypeError(f"page {name!r} is a {type(widget).__name__}, not a {kind.__name__}")
        return widget

    def show_page(self, name: str, *, focus_first: bool = True) -> None:
        """Show a page of the selected teen, with the keyboard focus on its first control (unless
        not `focus_first`)."""
        page = self.page(name, QWidget)
        self.teen_pages.setCurrentWidget(page)
        self._enable_page_actions()
        focus = getattr(page, "focus_first", None)
        if callable(focus) and focus_first:
            focus()

    def current_page(self) -> str:
        current = self.teen_pages.currentWidget()
        return next((name for name, page in self._pages.items() if page is current), "")

    @property
    def controls_page(self) -> ControlsPage | None:
        """The controls page if it was built (None before: nothing to update yet)."""
        return cast("ControlsPage | None", self._pages.get(CONTROLS_PAGE))

    def ensure_controls_page(self) -> ControlsPage:
        from famguard.ui.controls_page import ControlsPage

        return self.page(CONTROLS_PAGE, ControlsPage)

    def ensure_home_page(self) -> HomePage:
        from famguard.ui.home import HomePage

        return self.page(HOME_PAGE, HomePage)

    # --- screens built on first use ------------------------------------------------------------

    @property
    def welcome(self) -> WelcomeView:
        if self._welcome is None:
            from famguard.ui.welcome import WelcomeView

            self._welcome = WelcomeView()
            self._welcome.sign_in_chosen.connect(self.sign_in_chosen)
            self._welcome.create_account_chosen.connect(self.create_account_chosen)
            self._welcome.demo_chosen.connect(self.demo_chosen)
            self.screens.addWidget(self._welcome)
        return self._welcome

    @property
    def sign_in(self) -> SignInView:
        if self._sign_in is None:
            from famguard.ui.signin import SignInView

            self._sign_in = SignInView()
            self._sign_in.submitted.connect(self.sign_in_submitted)
            self._sign_in.cancelled.connect(self.sign_in_cancelled)
            self.screens.addWidget(self._sign_in)
            self.sign_in_built.emit(self._sign_in)
        return self._sign_in

    @property
    def sign_in_if_built(self) -> SignInView | None:
        """The sign-in form if it has been made (asking `sign_in` makes it)."""
        return self._sign_in

    @property
    def family(self) -> QSplitter:
        if self._family is None:
            self._build_family()
        assert self._family is not None
        return self._family

    @property
    def teen_list(self) -> TeenList:
        self.family  # noqa: B018 - builds it
        return self._teen_list

    @property
    def teen_pages(self) -> QStackedWidget:
        self.family  # noqa: B018
        return self._teen_pages

    def _build_family(self) -> None:
        """Teens on the left, one teen's page on the right."""
        from famguard.ui.family import TeenList

        family = QSplitter()
        family.setObjectName("familyView")
        self._teen_list = TeenList()
        self._teen_list.add_teen_requested.connect(self.add_teen_requested)
        self._teen_pages = QStackedWidget()
        self._teen_pages.setObjectName("teenPages")
        self.no_teen = QWidget()
        self.no_teen_label = wrapping_label("", "noTeenLabel")
        self.no_teen_label.setProperty("alignment", ALIGN_CENTER)  # no `Qt` enum: famguard.ui.common
        no_teen_title = heading("Your family", "noTeenTitle")
        no_teen_title.setProperty("alignment", ALIGN_CENTER)
        no_teen_layout = QVBoxLayout(self.no_teen)
        no_teen_layout.addStretch(1)
        no_teen_layout.addWidget(no_teen_title)
        no_teen_layout.addWidget(self.no_teen_label)
        no_teen_layout.addStretch(1)
        self._teen_pages.addWidget(self.no_teen)
        family.addWidget(self._teen_list)
        # The banners go under the teen's page, not across the window: across, a notice coming
        # moved the list's "Requests inbox" and "Add a teen" up by its height, and a click meant
        # for one landed on the other (_place_banners).
        page_column = QWidget()
        page_column.setObjectName("pageColumn")
        column = self._banners_below_page = QVBoxLayout(page_column)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self._teen_pages, 1)
        family.addWidget(page_column)
        family.setStretchFactor(1, 1)
        family.setSizes([270, 830])
        self._family = family
        self.screens.addWidget(family)
        # The controls page grows its minimum width row by row as it is built (after the first
        # paint): each step may leave too little room for the list and the demo's phone both.
        _OnLayoutRequest(self._teen_pages, self._fit_family_within_screen)
        self._fit_family_within_screen()

    # --- screens -----------------------------------------------------------------------------

    def show_welcome(self) -> None:
        self.screens.setCurrentWidget(self.welcome)
        self.welcome.sign_in_button.setFocus()

    def show_sign_in(self, *, create_account: bool = False) -> None:
        self.sign_in.set_mode(create_account=create_account)
        self.sign_in.set_busy(False)
        self.screens.setCurrentWidget(self.sign_in)
        self.sign_in.focus_first_empty()

    def show_starting(self, text: str) -> None:
        if self._starting is None:
            self._starting = QWidget()
            self._starting.setObjectName("startingView")
            self.starting_label = named(wrapping_label("", "startingLabel"), "startingLabel", "Progress")
            # No `Qt` enum (famguard.ui.common): the demo shows this screen before its family's paint.
            self.starting_label.setProperty("alignment", ALIGN_CENTER)
            starting_layout = QVBoxLayout(self._starting)
            starting_layout.addStretch(1)
            starting_layout.addWidget(self.starting_label)
            starting_layout.addStretch(1)
            self.screens.addWidget(self._starting)
        self.starting_label.setText(text)
        self.screens.setCurrentWidget(self._starting)

    def show_family(self) -> None:
        self.screens.setCurrentWidget(self.family)

    def show_teen_page(self) -> None:
        """A teen was selected: their home, unless one of their pages is showing already (a
        notice that reloads the controls must not pull the guardian off another page)."""
        if self.teen_pages.currentWidget() is self.no_teen:
            self.show_page(HOME_PAGE)

    def show_no_teen(self, text: str) -> None:
        pages = self.teen_pages  # builds the family screen (and its no-teen page) when needed
        self.no_teen_label.setText(text)
        pages.setCurrentWidget(self.no_teen)
        self._enable_page_actions()

    def return_focus(self, widget: QWidget | None = None) -> None:
        """After a dialog: the window is active again and the keyboard at `widget`, or where it
        was when the dialog opened (the button that opened it: it went to the page's first
        button, "Change controls…", after "Add a teen" was cancelled), or the screen's own first
        field, or the family's list — never nowhere, even without a window manager."""
        self.activateWindow()
        self.raise_()
        if widget is None:
            before = self.focusWidget()  # this window's own, kept while another one had the keyboard
            if before is not None and before.isVisible() and before.isEnabled():
                widget = before
        self._focus_within(widget)

    def _focus_within(self, widget: QWidget | None = None) -> None:
        """The keyboard at `widget`, or the page's own first field, or the family's list; without
        raising the window (a notice hiding itself must not pull it in front of another app)."""
        if widget is None and self._family is not None and self.screens.currentWidget() is self._family:
            current = self._teen_pages.currentWidget()
            focus = getattr(current, "focus_first", None)
            if callable(focus) and current is not self.no_teen:
                focus()
                return
            widget = self._teen_list.list
        if widget is not None:
            focus_with_ring(widget)  # moved by the app: the ring says where the keyboard went

    def _place_banners(self) -> None:
        """The offline banner and the notice under the teen's page in the family view, under the
        whole screen elsewhere (welcome, sign-in); each keeps whether it is shown."""
        below_page, below_screens = self._banners_below_page, self._banners_below_screens
        target: QVBoxLayout
        source: QVBoxLayout | None
        if below_page is not None and self.screens.currentWidget() is self._family:
            target, source = below_page, below_screens
        else:
            target, source = below_screens, below_page
        for banner in (self.offline_banner, self.notice):
            if target.indexOf(banner) >= 0:
                continue
            shown = not banner.isHidden()
            if source is not None:
                source.removeWidget(banner)
            target.addWidget(banner)
            banner.setVisible(shown)

    def current_screen(self) -> str:
        current = self.screens.currentWidget()
        return current.objectName() if current is not None else ""

    def show_notice(self, text: str, *, hide_after_ms: int = 0) -> None:
        """A notice under the page. One that stays (no `hide_after_ms`: "Signed in for this session
        only…") comes back when a passing one shown over it ("✓ Preferences saved") is over or
        dismissed: the passing one hid it for good, and the warning was never seen again."""
        if not hide_after_ms:
            self._standing_notice = text
            self._covered_notice = None
        else:
            # A passing notice over another with time left ("✉ Maya asks for more time…", 20 s):
            # that one comes back for the rest of its time (it was lost under "Preferences saved").
            # Not a confirmation ("✓ “Exams” changed…"): what was done since says the news, and
            # the older one coming back after it read as undone (a parent trying the demo).
            left = self.notice.time_left_ms()
            shown = self.notice.text()
            news = not shown.startswith("✓")
            if left > 0 and self.notice.isVisible() and news and shown not in (text, self._standing_notice):
                self._covered_notice = (shown, left)
        self.notice.show_text(text, dismissible=True, hide_after_ms=hide_after_ms)

    def standing_notice(self) -> str | None:
        """The notice that stays until dismissed or withdrawn, shown or under a passing one."""
        return self._standing_notice

    def withdraw_notice(self, text: str | None = None) -> None:
        """Take away the notice `text` (shown, or waiting under a passing one), or every notice."""
        if text is None or text == self._standing_notice:
            self._standing_notice = None
        if text is None or (self._covered_notice is not None and self._covered_notice[0] == text):
            self._covered_notice = None
        if text is None or self.notice.text() == text:
            self._notice_gone(dismissed=False)

    def _notice_gone(self, *, dismissed: bool) -> None:
        """The notice shown went (its time was up, it was dismissed or withdrawn): the one that
        stays comes back under the page unless it is the one that went."""
        standing, covered = self._standing_notice, self._covered_notice
        self._covered_notice = None
        if dismissed and self.notice.text() == standing:
            self._standing_notice = standing = None
        if covered is not None and self.notice.text() != covered[0]:
            self.notice.show_text(covered[0], dismissible=True, hide_after_ms=covered[1])
        elif standing is None:
            self.notice.hide()
        else:
            self.notice.show_text(standing, dismissible=True)

    def _about(self) -> None:
        from famguard.ui.help import show_about

        show_about(self, __version__, self.server_url)

    def _getting_started(self) -> None:
        from famguard.ui.help import show_getting_started

        show_getting_started(self)

    def _shortcuts(self) -> None:
        from famguard.ui.help import show_shortcuts

        show_shortcuts(self)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        """Escape that nothing on the page took dismisses the notice under it: the only way was
        Tab, about eleven times, to its Dismiss (a parent trying the demo)."""
        from PySide6.QtCore import Qt  # after the first paint: the namespace costs ~11 ms

        escape = event.key() == Qt.Key.Key_Escape and not event.modifiers()
        dismiss = self.notice.close_button
        if escape and self.notice.isVisible() and dismiss.isVisible():
            event.accept()
            dismiss.click()
            return
        super().keyPressEvent(event)

    def settle_choices(self) -> None:
        """Make now a choice made with the arrow keys that waits for the guardian to stop
        (`Settling`): quitting or signing out counts the changes not sent, and a choice still
        waiting was made only once the window had gone — not counted, not asked about."""
        from famguard.ui.deliberate import Settling  # loaded with the controls page, long before

        for settling in self.findChildren(Settling):
            settling.flush()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self.settle_choices()
        if not self._quit_decided:
            if self.close_to_tray():
                event.ignore()  # the tray icon stays: requests still reach the guardian
                self.hide()
                return
            if not self.may_quit():
                event.ignore()  # asked first; `quit_now` follows if the guardian still wants to
                return
        self.closing.emit()
        super().closeEvent(event)

    def quit_now(self) -> None:
        """Close the window and so the app, after the question `may_quit` asked was answered."""
        self._quit_decided = True
        self.close()
