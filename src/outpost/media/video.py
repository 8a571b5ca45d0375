"""Re-encoding a video to what a network takes: H.264 (yuv420p) + AAC in MP4, with progress.

Runs in the media worker process (or a thread of a one-shot command): the engine's loop never
waits on an encoder. It takes plain values, not the domain's plan, so the spawned worker imports
nothing but this module and PyAV. Progress goes to a small file the pipeline polls: a function
handed to a worker process cannot call back into Outpost's process, and a file needs no extra
process (a `Manager` queue would start one).

PyAV is imported inside `transcode` only: Outpost's start-up never loads FFmpeg
(tests/unit/test_start_weight.py).
"""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

from outpost.domain.errors import ValidationError

#: How often (in frames) the progress file is rewritten: often enough for a smooth bar, rarely
#: enough that writing it costs nothing next to encoding.
_PROGRESS_EVERY = 10
#: x264's constant-quality setting when no byte limit binds (23 is its default: visually fine).
_CRF = "23"


def transcode(
    source: str,
    target: str,
    *,
    width: int,
    height: int,
    frame_rate: float | None,
    max_video_bitrate: int | None,
    audio_bitrate: int,
    progress_file: str | None = None,
) -> None:
    """Write `source` re-encoded to `target` (an MP4), `width`×`height` at `frame_rate`.

    Frames are dropped evenly to lower the frame rate (never invented); every frame is scaled to
    the new size as it is decoded, so memory stays one frame deep. `max_video_bitrate` caps
    x264's rate (VBV) so the copy keeps under a network's byte limit.

    Raises:
        ValidationError: the file cannot be decoded or encoded (FFmpeg's reason in words).
    """
    import av.error

    try:
        _encode(
            source,
            target,
            width=width,
            height=height,
            frame_rate=frame_rate,
            max_video_bitrate=max_video_bitrate,
            audio_bitrate=audio_bitrate,
            progress_file=progress_file,
        )
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise ValidationError.single(
            "media", f"{source} could not be re-encoded ({exc or type(exc).__name__})."
        ) from None


def _encode(
    source: str,
    target: str,
    *,
    width: int,
    height: int,
    frame_rate: float | None,
    max_video_bitrate: int | None,
    audio_bitrate: int,
    progress_file: str | None,
) -> None:
    import av as _av

    with (
        _av.open(source, timeout=10.0) as src,
        _av.open(target, "w", format="mp4", options={"movflags": "+faststart"}) as out,
    ):
        vin = src.streams.video[0]
        vin.thread_type = "AUTO"
        ain = src.streams.audio[0] if src.streams.audio else None
        rate = (
            Fraction(frame_rate).limit_denominator(1001) if frame_rate else (vin.average_rate or Fraction(30))
        )
        vout = out.add_stream("libx264", rate=rate)
        vout.width, vout.height, vout.pix_fmt = width, height, "yuv420p"
        rotation = _rotation(source)
        if rotation:
            vout.set_display_rotation(rotation)  # a phone's portrait clip stays upright
        tick = 1 / rate  # frames are numbered in it (the muxer changes the stream's time base)
        vout.time_base = tick
        options = {"crf": _CRF, "preset": "veryfast"}
        if max_video_bitrate is not None:
            options |= {"maxrate": str(max_video_bitrate), "bufsize": str(max_video_bitrate * 2)}
        vout.codec_context.options = options
        aout = None
        if ain is not None:
            aout = out.add_stream("aac", rate=48_000)
            aout.codec_context.layout = "stereo"
            aout.codec_context.bit_rate = audio_bitrate
        duration = src.duration / _av.time_base if src.duration else None
        total = max(1, round(duration * float(rate)) if duration else int(vin.frames or 1))
        index, start = 0, None
        streams = [vin] if ain is None else [vin, ain]
        for packet in src.demux(*streams):
            for frame in packet.decode():
                if isinstance(frame, _av.AudioFrame) and aout is not None:
                    frame.pts = None  # the encoder's resampler counts samples itself
                    for out_packet in aout.encode(frame):
                        out.mux(out_packet)
                    continue
                if not isinstance(frame, _av.VideoFrame) or frame.time is None:
                    continue
                start = frame.time if start is None else start
                slot = (frame.time - start) * float(rate)
                if slot < index - 0.05:
                    continue  # dropped: its slot at the lower rate is taken
                index = max(index, round(slot))
                picture = frame.reformat(width=width, height=height, format="yuv420p")
                picture.pts, picture.time_base = index, tick
                for out_packet in vout.encode(picture):
                    out.mux(out_packet)
                index += 1
                if progress_file is not None and index % _PROGRESS_EVERY == 0:
                    _report(progress_file, index, total)
        for stream in (vout, aout):
            if stream is not None:
                for out_packet in stream.encode(None):
                    out.mux(out_packet)
    if progress_file is not None:
        _report(progress_file, total, total)


def _rotation(source: str) -> int:
    """How far players turn the source's frames (its display matrix), read from its first frame.

    Read before encoding starts: the copy's stream must carry it before its first frame.
    """
    import av

    with av.open(source, timeout=10.0) as container:
        for frame in container.decode(video=0):
            return int(frame.rotation or 0)
    return 0


def _report(path: str, done: int, total: int) -> None:
    """Replace the progress file with `done total` (atomically: the reader never sees half)."""
    partial = f"{path}.part"
    Path(partial).write_text(f"{min(done, total)} {total}")
    os.replace(partial, path)


def read_progress(path: Path) -> tuple[int, int] | None:
    """(frames done, frames in all) from a progress file, or None before the first report."""
    try:
        done, total = path.read_text().split()
        return int(done), int(total)
    except (OSError, ValueError):
        return None
