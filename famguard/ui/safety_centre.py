"""The Safety Centre window: short guides for parents (famguard.domain.safety_guides) with a
table of contents, each control's recommended value for 13–15 and 16–17 and why, and where to
report illegal content — the national hotline of the INHOPE network for the chosen country
(preselected from the system locale, changeable) with a button that opens its reporting page in
the browser, and the full table of hotlines. Pure view: it emits the addresses to open."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from famguard.domain.hotlines import Hotline, HotlineTable
from famguard.domain.safety_guides import (
    CONTROLS_KEY,
    GUIDES,
    ILLEGAL_KEY,
    OLDER_BAND,
    YOUNGER_BAND,
    Recommendation,
    recommendations,
)
from famguard.ui.common import heading, named, plain_tooltip, resize_within_screen, wrapping_label
from famguard.ui.deliberate import WheelGuard


def guides_html(hotlines: HotlineTable | None) -> str:
    """Every guide as one HTML document with an anchor per guide and per control."""
    parts: list[str] = []
    for guide in GUIDES:
        parts.append(f'<h2><a name="{guide.key}"></a>{escape(guide.title)}</h2>')
        parts.extend(f"<p>{escape(p)}</p>" for p in guide.paragraphs)
        if guide.key == CONTROLS_KEY:
            parts.extend(_recommendation_html(r) for r in recommendations())
        if guide.key == ILLEGAL_KEY and hotlines is not None:
            parts.append(_hotline_table_html(hotlines))
    return "\n".join(parts)


def _recommendation_html(rec: Recommendation) -> str:
    rule = f"<br><i>{escape(rec.younger_rule)}</i>" if rec.younger_rule else ""
    return (
        f'<h3><a name="control:{rec.field}"></a>{escape(rec.label)}</h3>'
        f"<p><b>Ages {YOUNGER_BAND}:</b> {escape(rec.younger)} &nbsp; · &nbsp; "
        f"<b>Ages {OLDER_BAND}:</b> {escape(rec.older)}<br>{escape(rec.why)}{rule}</p>"
    )


def _hotline_table_html(table: HotlineTable) -> str:
    rows = "".join(
        f"<tr><td>{escape(h.country_name)}</td><td>{escape(h.organisation)}</td>"
        f'<td><a href="{escape(h.url, quote=True)}">{escape(h.url)}</a></td></tr>'
        for h in table.countries()
    )
    checked = f"<p><i>List checked on {escape(table.checked)}.</i></p>" if table.checked else ""
    return (
        '<table border="1" cellpadding="4" cellspacing="0">'
        "<tr><th>Country</th><th>Organisation</th><th>Where to report</th></tr>"
        f"{rows}</table>{checked}"
    )


class SafetyCentre(QWidget):
    open_url_requested = Signal(str)
    country_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("safetyCentre")
        self.table: HotlineTable | None = None
        self._anchor = ""  # the section shown, kept when the text is rebuilt
        self.contents = named(QListWidget(), "safetyContents", "Safety Centre contents")
        for guide in GUIDES:
            item = QListWidgetItem(guide.title)
            item.setData(Qt.ItemDataRole.UserRole, guide.key)
            self.contents.addItem(item)
        self.contents.setWordWrap(True)
        self.contents.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.contents.setSpacing(3)
        self.contents.currentItemChanged.connect(self._section_chosen)
        self.text = named(QTextBrowser(), "safetyText", "Safety Centre guides")
        self.text.setOpenLinks(False)  # every address goes through open_url_requested
        self.text.anchorClicked.connect(self._link_clicked)
        self.text.setHtml(guides_html(None))

        self.country = named(QComboBox(), "hotlineCountry", "Your country")
        self.country.currentIndexChanged.connect(self._country_changed)
        # The wheel over the country scrolls the guide: it changed, and remembered, the hotline.
        self._wheel_guard = WheelGuard(self.text)
        self._wheel_guard.guard(self.country)
        country_label = QLabel("&Country:")
        country_label.setBuddy(self.country)
        self.hotline = named(wrapping_label("Loading the list of hotlines…", "hotlineName"), "hotlineName", "Hotline")
        self.report_button = named(
            QPushButton("&Report illegal content…"),
            "reportHotlineButton",
            "Open the national hotline's reporting page in your browser",
        )
        # Not the window's default: Enter in the country box, or anywhere, opened the browser (an
        # outside tester). Enter on the button itself still presses it (common.EnterPresses).
        self.report_button.setAutoDefault(False)
        self.report_button.setEnabled(False)
        self.report_button.clicked.connect(self._report)
        report = QGroupBox("Report child sexual abuse material or other illegal content")
        report.setObjectName("hotlineBox")
        row = QHBoxLayout()
        row.addWidget(country_label)
        row.addWidget(self.country, 1)
        row.addWidget(self.report_button)
        report_layout = QVBoxLayout(report)
        report_layout.addLayout(row)
        report_layout.addWidget(self.hotline)

        split = QSplitter()
        split.addWidget(self.contents)
        split.addWidget(self.text)
        split.setStretchFactor(1, 1)
        split.setSizes([260, 600])
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Safety Centre", "safetyTitle", 1.5))
        layout.addWidget(split, 1)
        layout.addWidget(report)

    def set_hotlines(self, table: HotlineTable, country: str | None) -> None:
        self.table = table
        self.country.blockSignals(True)
        self.country.clear()
        for hotline in table.countries():
            self.country.addItem(hotline.country_name, hotline.country)
        self.country.blockSignals(False)
        self.choose_country(country)
        self.text.setHtml(guides_html(table))
        if self._anchor:
            self.show_section(self._anchor)

    def choose_country(self, country: str | None) -> None:
        if self.table is None:
            return
        chosen = self.table.for_country(country)
        index = self.country.findData(chosen.country)
        if index == self.country.currentIndex():
            self._show_hotline(chosen)
        self.country.setCurrentIndex(index)

    def current_hotline(self) -> Hotline | None:
        return None if self.table is None else self.table.for_country(self.country.currentData())

    def show_section(self, key: str) -> None:
        """Scroll to a guide or to one control's recommendation ("control:comments")."""
        guide_key = CONTROLS_KEY if key.startswith("control:") else key
        for row in range(self.contents.count()):
            if self.contents.item(row).data(Qt.ItemDataRole.UserRole) == guide_key:
                self.contents.blockSignals(True)
                self.contents.setCurrentRow(row)
                self.contents.blockSignals(False)
        self.text.scrollToAnchor(key)
        self._anchor = key

    def _section_chosen(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if item is not None:
            self.show_section(str(item.data(Qt.ItemDataRole.UserRole)))

    def _country_changed(self, _index: int) -> None:
        hotline = self.current_hotline()
        if hotline is not None:
            self._show_hotline(hotline)
            self.country_chosen.emit(hotline.country)

    def _show_hotline(self, hotline: Hotline) -> None:
        self.hotline.setText(f"{hotline.organisation} — {hotline.url}")
        self.report_button.setEnabled(True)
        self.report_button.setToolTip(plain_tooltip(f"Opens {hotline.url} in your browser"))

    def _report(self) -> None:
        hotline = self.current_hotline()
        if hotline is not None:
            self.open_url_requested.emit(hotline.url)

    def _link_clicked(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https"):
            self.open_url_requested.emit(url.toString())
        elif url.hasFragment():
            self.show_section(url.fragment())


class SafetyCentreWindow(QDialog):
    """A window of its own (not modal), so the guardian can read it beside the settings."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("safetyCentreWindow")
        self.setWindowTitle("FamGuard — Safety Centre")
        self.setAccessibleName("Safety Centre")
        self.setModal(False)
        resize_within_screen(self, 900, 680)
        self.centre = SafetyCentre()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.setObjectName("safetyButtons")
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        named(close, "safetyCloseButton", "Close the Safety Centre")
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.centre, 1)
        layout.addWidget(buttons)
