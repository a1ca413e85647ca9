"""The one error the domain raises: a set of fields, each with a reason a parent understands."""

from __future__ import annotations

from collections.abc import Mapping


class DomainValidationError(ValueError):
    """One or more fields broke a rule. `fields` maps each field name to a plain-language reason."""

    def __init__(self, fields: Mapping[str, str]):
        self.fields = dict(fields)
        super().__init__("; ".join(f"{name}: {reason}" for name, reason in self.fields.items()))
