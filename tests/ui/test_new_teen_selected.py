"""A guardian who already has a teen on screen pairs another (the real service, the wizard): once the
wizard closes, the new teen is the one selected and their home is shown — the guardian had to find
them in the list, with the first teen's home still open."""

from __future__ import annotations

import pytest

from tests.support.accounts import member, pair

from .test_deliberate import pair_in_the_wizard
from .test_flows import sign_in, wait_home


@pytest.mark.usefixtures("real_keyring")
def test_the_teen_just_paired_is_selected_and_shown(qtbot, launch, live_server, proxy, guardian, teen) -> None:
    pair(guardian.api, teen.api)  # Maya, already linked
    controller = launch()
    sign_in(qtbot, controller, proxy.url, guardian)
    wait_home(qtbot, controller, "Maya")
    maya_id = controller.family.current

    leo = member(live_server, "teen", "Leo", address="leo@example.org", age=16)
    assert "You are now linked with Leo" in pair_in_the_wizard(qtbot, controller, leo)

    wait_home(qtbot, controller, "Leo")
    leo_id = controller.family.current
    assert leo_id not in (None, maya_id)
    assert controller.window.teen_list.current_teen_id() == leo_id
    assert controller.window.teen_list.list.count() == 2
