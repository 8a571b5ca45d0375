"""Media files made on the spot (no binary blobs in the repo): images with Pillow, H.264 with PyAV."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import av
from PIL import Image


def image(
    path: Path, width: int, height: int, *, fmt: str | None = None, noise: bool = False, **save: object
) -> Path:
    """An image file; `noise` makes it hard to compress (large files)."""
    picture = (
        Image.effect_noise((width, height), 80).convert("RGB")
        if noise
        else Image.new("RGB", (width, height), (200, 40, 40))
    )
    picture.save(path, format=fmt, **save)  # type: ignore[arg-type]
    return path


def video(
    path: Path,
    width: int = 320,
    height: int = 240,
    *,
    seconds: float = 2.0,
    fps: int = 25,
    codec: str = "libx264",
    audio: bool = False,
    rotation: int = 0,
) -> Path:
    """A short video with a moving colour, encoded by PyAV's bundled FFmpeg.

    `audio` adds silence; `rotation` is the display rotation a phone writes for a portrait clip.
    """
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        if rotation:
            stream.set_display_rotation(rotation)
        sound = container.add_stream("aac", rate=44_100) if audio else None
        if sound is not None:
            sound.codec_context.layout = "mono"
        for index in range(int(seconds * fps)):
            frame = Image.new("RGB", (width, height), ((index * 7) % 255, 90, 160))
            for packet in stream.encode(av.VideoFrame.from_image(frame)):
                container.mux(packet)
        if sound is not None:
            for index in range(int(seconds * 44_100 / 1024)):
                samples = av.AudioFrame(format="fltp", layout="mono", samples=1024)
                samples.planes[0].update(bytes(4096))
                samples.sample_rate, samples.pts = 44_100, index * 1024
                for packet in sound.encode(samples):
                    container.mux(packet)
        for encoder in (stream, sound):
            for packet in encoder.encode() if encoder is not None else ():
                container.mux(packet)
    return path


def png_bytes(width: int, height: int) -> bytes:
    """A minimal valid PNG of a black picture, built by hand (no Pillow): for tests of the bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x00\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
