"""Pieces of JSON spilled to a temporary file come back per group, in order, once."""

from app.infra.change_spill import ChangeSpill


def test_pieces_come_back_per_group_in_the_order_they_were_added() -> None:
    with ChangeSpill() as spill:
        for piece, group in [(b"a1", "a"), (b"b1", "b"), (b"a2", "a"), (b"", "c"), (b"a3", "a")]:
            spill.add(group, piece)
        assert spill.joined("a") == b"a1,a2,a3"
        assert spill.joined("b", separator=b"") == b"b1"
        assert spill.joined("c") == b""


def test_a_group_is_forgotten_once_read_and_an_unknown_one_is_empty() -> None:
    with ChangeSpill() as spill:
        spill.add(("party", None), b'{"x":1}')
        assert spill.joined(("party", None)) == b'{"x":1}'
        assert spill.joined(("party", None)) == b""
        spill.add(("party", None), b'{"x":2}')  # written after a read, still found
        assert spill.joined(("party", None)) == b'{"x":2}'
        assert spill.joined("never added") == b""
