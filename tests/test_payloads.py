from typing import Literal

import pytest

from bot.core.payloads import MAX_PAYLOAD_BYTES, CommandPayload, Payload, PayloadError


class Sample(Payload, prefix="t_sample"):
    item_id: int
    action: Literal["show", "cancel"]
    page: int | None = None


def test_round_trip() -> None:
    packed = Sample(item_id=42, action="cancel", page=3).pack()
    assert packed == "t_sample:42:cancel:3"
    assert Payload.unpack(packed) == Sample(item_id=42, action="cancel", page=3)
    assert Sample.unpack("t_sample:42:show:") == Sample(item_id=42, action="show")


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "t_sample",
        "t_sample:42:show",  # missing field
        "t_sample:42:show::",  # extra field
        "t_sample:abc:show:",  # not a number
        "t_sample:42:delete:",  # not an allowed action
        "nope:1",  # unknown prefix
        "t_sample:" + "9" * MAX_PAYLOAD_BYTES,  # oversized
    ],
)
def test_forged_payloads_are_refused(raw: str) -> None:
    with pytest.raises(PayloadError):
        Payload.unpack(raw)


def test_unpack_on_a_class_accepts_only_that_class() -> None:
    with pytest.raises(PayloadError):
        Sample.unpack(CommandPayload(name="help").pack())


def test_packing_refuses_separator_and_oversize() -> None:
    with pytest.raises(ValueError):
        CommandPayload(name="a:b").pack()
    with pytest.raises(ValueError):
        CommandPayload(name="x" * 70).pack()


def test_prefix_registered_twice_fails_at_import() -> None:
    with pytest.raises(ValueError):

        class Twin(Payload, prefix="t_sample"):
            x: int
