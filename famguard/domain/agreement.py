"""The family agreement: a one- or two-page document of the teen's current rules to talk through
and sign together — each rule in plain words with why it is set (both from the control's
declaration in famguard.domain.controls), the temporary rules in force or planned (exam weeks:
the phone counts against those), room for what the teen asks in return, space for the teen and
each of their guardians to sign, and the date. Pure: it returns the content; the ui lays it out (HTML) and prints it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from html import escape

from famguard.domain.control_spec import ControlSpec
from famguard.domain.control_words import control_label, kept_off_by_age
from famguard.domain.controls import CONTROLS, GROUPS, Controls
from famguard.domain.plain_text import listed


@dataclass(frozen=True)
class AgreementRule:
    field: str
    group: str
    label: str
    value: str  # the current value in the declaration's words
    why: str


@dataclass(frozen=True)
class Agreement:
    teen_name: str
    # Every guardian of the teen signs (the one printing it first): the agreement is the family's,
    # and one naming a single parent of two left the other out of the rules they also set.
    guardian_names: tuple[str, ...]
    on: date
    rules: tuple[AgreementRule, ...]
    # The temporary rules in force or planned, in words: during exam weeks the phone counts
    # against the rule, and an agreement of the usual rules alone would say otherwise.
    temporary: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return f"Our family agreement: {listed([self.teen_name, *self.guardian_names])}"

    @property
    def asks_heading(self) -> str:
        """The heading that opens what is written in and signed, on a page of its own."""
        return f"What {self.teen_name} asks in return"

    def intro(self) -> str:
        return (
            f"These are the rules for {self.teen_name}'s account, as set today. We talked them through "
            "together. We will look at them again when something changes, and at least every few months."
        )

    def html(self) -> str:
        """The document as simple HTML (headings, tables, lines to write on) for QTextDocument."""
        parts = [
            f"<h1>{escape(self.title)}</h1>",
            f"<p>{escape(self.intro())}</p>",
        ]
        for group in GROUPS:
            rules = [r for r in self.rules if r.group == group]
            if not rules:
                continue
            parts.append(f"<h2>{escape(group)}</h2>")
            for rule in rules:  # one block per rule: reads (and extracts) in order on any page width
                parts.append(
                    f"<p><b>{escape(rule.label)}:</b> {escape(rule.value)}<br>"
                    f'<span style="color:#444444">{escape(rule.why)}</span></p>'
                )
        if self.temporary:
            # Each says its own days: "For now" headed a rule that starts next week (an outside tester).
            parts.append("<h2>Temporary rules, in force or planned</h2>")
            parts.extend(f"<p>{escape(rule)}</p>" for rule in self.temporary)
        line = "_" * 72
        # What is written in and signed starts a page of its own, so it is never cut across two
        # (an outside tester's PDF had this heading as page 1's last line, its lines overleaf).
        parts.append(f'<h2 style="page-break-before: always">{escape(self.asks_heading)}</h2>')
        parts.append("".join(f"<p>{line}</p>" for _ in range(4)))
        parts.append("<h2>Signed</h2>")
        # Room to sign above each line (an outside tester found 6 mm between them), and who signs
        # where: the teen, then each guardian.
        signers = [(self.teen_name, "teen"), *((name, "guardian") for name in self.guardian_names)]
        rows = (signers[i : i + 2] for i in range(0, len(signers), 2))  # two lines to sign on a row
        parts.append(
            '<table width="100%" cellpadding="6" cellspacing="0" border="0">'
            + "".join(
                "<tr>"
                + "".join(
                    f'<td><br><br>{"_" * 30}<br>{escape(name)}<br><span style="color:#444444">{role}</span></td>'
                    for name, role in row
                )
                + "</tr>"
                for row in rows
            )
            + "</table>"
        )
        parts.append(f"<p>Date: {self.on.day} {self.on:%B %Y}</p>")
        return "\n".join(parts)


def build_agreement(
    teen_name: str,
    guardian_names: list[str],
    controls: Controls,
    on: date,
    temporary: Iterable[str] = (),
    age: int | None = None,
) -> Agreement:
    """`age`: the teen's, so that a control the age keeps off says so ("No one (not available
    under 16)"): "Direct messages: No one" read as the family's choice, to be argued over."""

    def value(spec: ControlSpec) -> str:
        # The teen signs it too: "Only Maya", not the parents' "Only your teen".
        words = spec.describe(getattr(controls, spec.name)).replace("your teen", teen_name)
        return words + kept_off_by_age(spec.name, age)

    rules = tuple(
        AgreementRule(
            spec.name,
            spec.group,
            control_label(spec.name, teen_name),
            value(spec),
            spec.summary.replace("your teen", teen_name).replace("Your teen", teen_name),
        )
        for spec in CONTROLS
    )
    return Agreement(teen_name, tuple(guardian_names), on, rules, tuple(temporary))
