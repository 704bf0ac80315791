"""The transfer QR code is drawn once per payload (members.area.qr.qr_svg,
cached through ledger.caching): the payments page does not redraw the same
account and amount on every visit, and a new amount gets its own code."""

from unittest import mock

import qrcode

from members.area.qr import qr_svg, render_qr_svg

PAYLOAD = "5261040828|PL|07109010140000000000000001|012345|SM|Oplaty 1/2|||"
OTHER_AMOUNT = "5261040828|PL|07109010140000000000000001|054321|SM|Oplaty 1/2|||"


def test_the_same_payload_is_drawn_once():
    real_make = qrcode.QRCode.make
    with mock.patch.object(
        qrcode.QRCode, "make", autospec=True, side_effect=real_make
    ) as make:
        first = qr_svg(PAYLOAD)
        second = qr_svg(PAYLOAD)
    assert make.call_count == 1
    assert str(first) == str(second) == str(render_qr_svg(PAYLOAD))
    assert str(first).startswith("<svg")


def test_another_amount_gets_its_own_code():
    first = str(qr_svg(PAYLOAD))
    other = str(qr_svg(OTHER_AMOUNT))
    assert other != first
    assert other == str(render_qr_svg(OTHER_AMOUNT))
    assert str(qr_svg(PAYLOAD)) == first
