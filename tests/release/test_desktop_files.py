"""The Linux desktop file and AppStream metainfo pass their validators, and every packaging file
names the app by the identity declared in famguard/identity.py and the version in
famguard/__init__.py — so a rename or a release cannot leave one of them behind."""

from __future__ import annotations

import plistlib
import re
import subprocess
import xml.etree.ElementTree as ET
from configparser import ConfigParser
from pathlib import Path

from famguard import __version__, identity
from tests.release.support import PACKAGING, ROOT, tool

DESKTOP = PACKAGING / "linux" / f"{identity.APP_ID}.desktop"
METAINFO = PACKAGING / "linux" / f"{identity.APP_ID}.metainfo.xml"


def desktop_entry(path: Path = DESKTOP) -> dict[str, str]:
    parser = ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment, method-assign]  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def test_the_desktop_file_passes_desktop_file_validate() -> None:
    result = subprocess.run(
        [tool("desktop-file-validate", "desktop-file-utils"), str(DESKTOP)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_the_metainfo_passes_appstreamcli_validate() -> None:
    result = subprocess.run(
        [tool("appstreamcli", "appstream"), "validate", "--no-net", str(METAINFO)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Infos are allowed (older appstreamcli do not know <developer> yet); warnings and errors are not.
    assert not re.search(r"^[WE]: ", result.stdout, re.MULTILINE), result.stdout


def test_the_desktop_file_opens_famguard_links_with_the_app_icon() -> None:
    entry = desktop_entry()
    assert entry["Exec"] == "famguard %u"  # %u: the famguard:// link the desktop hands over
    assert f"x-scheme-handler/{identity.URL_SCHEME}" in entry["MimeType"].split(";")
    assert entry["Icon"] == identity.APP_ID and entry["Name"] == identity.APP_NAME


def test_the_metainfo_describes_this_release_with_screenshots_and_a_content_rating() -> None:
    component = ET.parse(METAINFO).getroot()
    assert component.findtext("id") == identity.APP_ID
    assert component.findtext("launchable") == DESKTOP.name
    assert component.findtext("provides/binary") == "famguard"
    releases = component.findall("releases/release")
    assert releases and releases[0].get("version") == __version__, (
        f"add a <release version={__version__!r}> at the top of {METAINFO.name}"
    )
    assert releases[0].find("description") is not None
    assert len(component.findall("screenshots/screenshot")) >= 2
    assert component.find("content_rating").get("type") == "oars-1.1"  # type: ignore[union-attr]
    assert component.findtext("developer/name")
    # Each screenshot is one of ours (the published copies of resources/screenshots/).
    for image in component.findall("screenshots/screenshot/image"):
        assert (ROOT / "resources" / "screenshots" / Path(image.text or "").name).is_file(), image.text


def test_the_macos_bundle_declares_the_identity_version_and_the_url_scheme() -> None:
    spec = (PACKAGING / "famguard.spec").read_text(encoding="utf-8")
    # The spec takes every value from famguard.identity and famguard.__version__, never a literal.
    assert "bundle_identifier=identity.APP_ID" in spec and '"CFBundleURLSchemes": [identity.URL_SCHEME]' in spec
    assert '"CFBundleShortVersionString": __version__' in spec and '"NSHighResolutionCapable": True' in spec
    entitlements = plistlib.loads((PACKAGING / "macos" / "entitlements.plist").read_bytes())
    assert entitlements.get("com.apple.security.app-sandbox") is not True  # keyring and local server need it off


def test_the_windows_installer_is_per_user_and_registers_the_url_scheme() -> None:
    script = (PACKAGING / "windows" / "famguard.iss").read_text(encoding="utf-8")
    assert re.search(r"^PrivilegesRequired=lowest$", script, re.MULTILINE)
    assert 'Root: HKCU; Subkey: "Software\\Classes\\famguard"' in script
    assert '"URL Protocol"' in script and '"""{app}\\famguard.exe"" ""%1"""' in script
    assert "{group}" in script and "UninstallDisplayIcon" in script and "VersionInfoVersion" in script


def test_the_flatpak_manifest_builds_this_app_id_from_the_freedesktop_runtime() -> None:
    manifest = (PACKAGING / "flatpak" / f"{identity.APP_ID}.yml").read_text(encoding="utf-8")
    assert re.search(rf"^id: {re.escape(identity.APP_ID)}$", manifest, re.MULTILINE)
    assert re.search(r"^runtime: org\.(freedesktop|kde)\.Platform$", manifest, re.MULTILINE)
    assert "--talk-name=org.freedesktop.secrets" in manifest  # the keyring
    assert f"{identity.APP_ID}.desktop" in manifest and f"{identity.APP_ID}.metainfo.xml" in manifest
