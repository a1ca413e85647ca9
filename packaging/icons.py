"""The app icon in every form a platform wants, rendered from the one drawing,
resources/icons/famguard.svg, with the app's own Qt (no other image tool): PNGs in the hicolor
theme layout for Linux, a .ico for Windows and a .icns for macOS. Nothing rendered is committed;
packaging/build.py renders them into the build folder each time.

The .ico and .icns containers are written here (both simply hold PNGs): Qt writes one image per
file, and these need several sizes in one."""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SVG = ROOT / "resources" / "icons" / "famguard.svg"
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# .icns entry types holding PNGs, by pixel size (Apple's names; the @2x ones reuse a size).
ICNS_TYPES = ((b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256), (b"ic09", 512),
              (b"ic11", 32), (b"ic12", 64), (b"ic13", 256), (b"ic14", 512))  # fmt: skip


def _app() -> object:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    return QGuiApplication.instance() or QGuiApplication(sys.argv[:1])


def render_png(size: int, svg: Path = SVG) -> bytes:
    """The drawing rendered at `size` × `size` pixels, as PNG bytes."""
    _app()
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg} is not a valid SVG drawing")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def write_hicolor(target: Path, name: str, svg: Path = SVG) -> list[Path]:
    """`target`/hicolor/NxN/apps/`name`.png for each size, and scalable/apps/`name`.svg."""
    written = []
    for size in HICOLOR_SIZES:
        path = target / "hicolor" / f"{size}x{size}" / "apps" / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(render_png(size, svg))
        written.append(path)
    scalable = target / "hicolor" / "scalable" / "apps" / f"{name}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    scalable.write_bytes(svg.read_bytes())
    return [*written, scalable]


def write_ico(path: Path, svg: Path = SVG) -> Path:
    """A Windows .ico with PNG entries (Windows Vista and later read those)."""
    images = [(size, render_png(size, svg)) for size in ICO_SIZES]
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in images:
        byte_size = 0 if size >= 256 else size  # 0 means 256 in the directory entry
        entries += struct.pack("<BBBBHHII", byte_size, byte_size, 0, 0, 1, 32, len(png), offset + len(blobs))
        blobs += png
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header + entries + blobs)
    return path


def write_icns(path: Path, svg: Path = SVG) -> Path:
    """A macOS .icns with PNG entries (macOS 10.7 and later)."""
    rendered: dict[int, bytes] = {}
    body = b""
    for kind, size in ICNS_TYPES:
        png = rendered.setdefault(size, render_png(size, svg))
        body += kind + struct.pack(">I", 8 + len(png)) + png
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"icns" + struct.pack(">I", 8 + len(body)) + body)
    return path
