"""Turn the parts of a recorded broadcast into one seekable WebM file.

MediaRecorder's WebM has no duration and no index (Cues), so browsers cannot
seek in it, and a broadcaster that reconnects starts a new file whose
timestamps begin at zero again. The parts are therefore copied packet by
packet, without decoding, into one file whose timestamps continue across
parts. The muxer then writes the duration and the Cues.
"""

import logging
from pathlib import Path
from typing import Any

import av

logger = logging.getLogger(__name__)


def join_parts(parts: list[Path], target: Path) -> dict[str, Any]:
    """Copy ``parts`` into ``target``; return its size, duration and picture size.

    Raise ValueError when the parts hold no media, and PyAV's errors when a
    part cannot be read.
    """
    offset = 0.0
    facts: dict[str, Any] = {"width": None, "height": None}
    with av.open(str(target), "w", format="webm") as output:
        outputs: dict[str, Any] = {}
        for part in parts:
            offset = _copy_part(part, output, outputs, offset, facts)
    if not outputs or offset <= 0:
        target.unlink(missing_ok=True)
        raise ValueError("the recording contains no media")
    facts["duration"] = round(offset, 3)
    facts["size"] = target.stat().st_size
    return facts


def _copy_part(
    part: Path,
    output: Any,
    outputs: dict[str, Any],
    offset: float,
    facts: dict[str, Any],
) -> float:
    """Append one part's packets after ``offset`` seconds; return the new end."""
    end = offset
    last_dts: dict[str, int] = {}
    with av.open(str(part), "r") as source:
        wanted = [s for s in source.streams if s.type in ("video", "audio")]
        for stream in wanted:
            if stream.type not in outputs:
                outputs[stream.type] = output.add_stream_from_template(stream)
            if stream.type == "video" and facts["width"] is None:
                facts["width"] = getattr(stream.codec_context, "width", 0) or None
                facts["height"] = getattr(stream.codec_context, "height", 0) or None
        first: dict[str, float] = {}
        for packet in source.demux(wanted):
            if packet.pts is None or packet.size == 0:
                continue
            kind = packet.stream.type
            seconds = float(packet.pts * packet.time_base)
            start = first.setdefault(kind, seconds)
            moment = offset + seconds - start
            end = max(end, moment + float((packet.duration or 0) * packet.time_base))
            target = outputs[kind]
            pts = round(moment / target.time_base)
            pts = max(pts, last_dts.get(kind, -1) + 1)
            last_dts[kind] = pts
            packet.pts = packet.dts = pts
            packet.time_base = target.time_base
            packet.stream = target
            output.mux(packet)
    return end
