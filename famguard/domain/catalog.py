"""Views of the control declarations (famguard.domain.controls.CONTROLS) under the names older
code reads: each control's label, group and help, and the words for audience values. Nothing is
declared here."""

from __future__ import annotations

from famguard.domain.controls import CONTENT, CONTROLS, GROUPS, PRIVACY, SCREEN_TIME, SPECS, ControlSpec

__all__ = ["AUDIENCE_LABELS", "CONTENT", "CONTROL_INFO", "GROUPS", "LIKED_LABELS", "PRIVACY", "SCREEN_TIME"]

ControlInfo = ControlSpec
CONTROL_INFO: dict[str, ControlSpec] = {spec.name: spec for spec in CONTROLS}
AUDIENCE_LABELS = dict(SPECS["comments"].choices)
LIKED_LABELS = dict(SPECS["liked_videos"].choices)
