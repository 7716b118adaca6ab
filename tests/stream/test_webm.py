"""The WebM parser against files encoded by PyAV in MediaRecorder's layout."""

import pytest

from streamchat.services.webm import Piece, WebMError, WebMParser, read_vint
from tests.stream.media import as_media_recorder, chunks, decode_frames, make_webm


def parse(
    data: bytes, sizes: tuple[int, ...] = (1500, 9000, 333, 24000)
) -> list[Piece]:
    parser = WebMParser()
    pieces: list[Piece] = []
    for chunk in chunks(data, sizes):
        pieces += parser.feed(chunk)
    return pieces


@pytest.fixture(scope="module")
def recorder_webm() -> bytes:
    return as_media_recorder(make_webm(seconds=3, gop=12, cluster_ms=150))


def test_read_vint_sizes_and_ids() -> None:
    assert read_vint(b"\x81", 0, False) == (1, 1)
    assert read_vint(b"\x40\x02", 0, False) == (2, 2)
    assert read_vint(bytes.fromhex("1A45DFA3"), 0, True) == (0x1A45DFA3, 4)
    assert read_vint(bytes.fromhex("01FFFFFFFFFFFFFF"), 0, False)[1] == 8


def test_read_vint_rejects_zero_byte() -> None:
    with pytest.raises(WebMError):
        read_vint(b"\x00\x81", 0, False)


def test_parser_returns_every_byte_in_order(recorder_webm: bytes) -> None:
    for sizes in ((1,), (7, 333), (1500, 9000, 333, 24000), (len(recorder_webm),)):
        pieces = parse(recorder_webm, sizes)
        assert b"".join(piece.data for piece in pieces) == recorder_webm


def test_parser_init_segment_ends_before_cluster(recorder_webm: bytes) -> None:
    pieces = parse(recorder_webm)
    assert pieces[0].kind == "init"
    assert pieces[1].kind == "cluster"
    assert pieces[1].data.startswith(bytes.fromhex("1F43B675"))
    assert (
        pieces[0].data
        == recorder_webm[: recorder_webm.index(bytes.fromhex("1F43B675"))]
    )
    assert [piece.kind for piece in pieces].count("init") == 1


def test_parser_flags_key_clusters_correctly(recorder_webm: bytes) -> None:
    pieces = parse(recorder_webm, (777, 4000))
    init = pieces[0].data
    clusters = [index for index, piece in enumerate(pieces) if piece.kind == "cluster"]
    flags = [pieces[index].keyframe for index in clusters]
    assert True in flags
    assert False in flags, "the test file should also have Clusters without a key frame"
    for index in clusters:
        tail = b"".join(piece.data for piece in pieces[index:])
        first_is_key = decode_frames(init + tail)[0] if pieces[index].keyframe else None
        assert pieces[index].data.startswith(bytes.fromhex("1F43B675"))
        if pieces[index].keyframe:
            assert first_is_key is True


def test_parser_join_at_key_cluster_decodes(recorder_webm: bytes) -> None:
    pieces = parse(recorder_webm)
    keyed = [
        i
        for i, piece in enumerate(pieces)
        if piece.kind == "cluster" and piece.keyframe
    ]
    late = keyed[len(keyed) // 2]
    joined = pieces[0].data + b"".join(piece.data for piece in pieces[late:])
    flags = decode_frames(joined)
    assert len(flags) > 5
    assert flags[0] is True


def test_parser_handles_video_only_stream() -> None:
    data = as_media_recorder(make_webm(seconds=1, gop=5, audio=False, cluster_ms=100))
    pieces = parse(data, (100, 2000))
    assert b"".join(piece.data for piece in pieces) == data
    assert sum(piece.kind == "cluster" and piece.keyframe for piece in pieces) >= 2


def test_parser_handles_known_size_clusters() -> None:
    data = make_webm(seconds=1, gop=5)
    pieces = parse(data, (4096,))
    assert b"".join(piece.data for piece in pieces) == data
    assert pieces[0].kind == "init"
    assert any(piece.kind == "cluster" and piece.keyframe for piece in pieces)


def test_parser_rejects_data_that_is_not_webm() -> None:
    with pytest.raises(WebMError):
        WebMParser().feed(b"\x00" * 64)
