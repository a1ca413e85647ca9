"""The icon: one SVG drawing, rendered by the build into every size and container a platform
wants, and still a shield with a heart at 16 px."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from famguard import identity, resources
from tests.release.support import load


@pytest.fixture(scope="module")
def icons():  # type: ignore[no-untyped-def]
    return load("icons")


def decode(png: bytes) -> QImage:
    image = QImage.fromData(png, "PNG")
    assert not image.isNull()
    return image


def test_the_icon_reads_at_16_px_as_a_white_heart_on_a_blue_shield(qapp, icons) -> None:  # type: ignore[no-untyped-def]
    image = decode(icons.render_png(16, resources.path(resources.ICON)))
    assert (image.width(), image.height()) == (16, 16)
    pixels = [[image.pixelColor(x, y) for x in range(16)] for y in range(16)]
    opaque = [c for row in pixels for c in row if c.alpha() > 200]
    white = [c for c in opaque if min(c.red(), c.green(), c.blue()) > 220]
    blue = [c for c in opaque if c.blue() > 120 and c.red() < 80]
    # The heart: a solid white core in the middle, big enough to see (not a speck of anti-aliasing).
    assert min(pixels[7][7].red(), pixels[7][8].green(), pixels[8][8].blue()) > 220
    assert len(white) >= 16
    # The shield: blue around it, filling most of the square, with transparent corners.
    assert len(blue) >= 80 and pixels[0][0].alpha() == 0 and pixels[15][0].alpha() == 0


def test_the_build_renders_every_hicolor_size_and_the_scalable_drawing(qapp, icons, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    written = icons.write_hicolor(tmp_path, identity.APP_ID)
    for size in (16, 22, 24, 32, 48, 64, 128, 256, 512):
        png = tmp_path / "hicolor" / f"{size}x{size}" / "apps" / f"{identity.APP_ID}.png"
        assert png in written and decode(png.read_bytes()).size().toTuple() == (size, size)
    scalable = tmp_path / "hicolor" / "scalable" / "apps" / f"{identity.APP_ID}.svg"
    assert scalable.read_bytes() == resources.path(resources.ICON).read_bytes()


def test_the_windows_ico_holds_each_size_as_png(qapp, icons, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = icons.write_ico(tmp_path / "famguard.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind, count) == (0, 1, len(icons.ICO_SIZES))
    for index, size in enumerate(icons.ICO_SIZES):
        width, _height, _colours, _zero, _planes, _bits, length, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * index
        )
        assert (width or 256) == size
        assert decode(data[offset : offset + length]).width() == size


def test_the_macos_icns_holds_each_entry_as_png(qapp, icons, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = icons.write_icns(tmp_path / "famguard.icns").read_bytes()
    assert data[:4] == b"icns" and struct.unpack_from(">I", data, 4)[0] == len(data)
    found, offset = {}, 8
    while offset < len(data):
        kind, length = data[offset : offset + 4], struct.unpack_from(">I", data, offset + 4)[0]
        found[kind] = decode(data[offset + 8 : offset + length]).width()
        offset += length
    assert found == {kind: size for kind, size in icons.ICNS_TYPES}
