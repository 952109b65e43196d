"""The report PDF's own flowables: photos embedded as their JPEG bytes, and dot bars."""

from __future__ import annotations

import io

from reportlab.lib.colors import HexColor
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable

from facilitator.exports.report_pdf_style import BRAND


class _JpegReader(ImageReader):
    """One of our downscaled JPEGs, handed to the PDF as it is (DCTDecode, no re-encoding).

    reportlab's ImageReader decodes a photo to raw RGB only to hash it for the image's name,
    and keeps those pixels: ~4 MB a photo, 140 MB of peak memory for 36 of them. Hashing
    the JPEG bytes names the image just as well.
    """

    def __init__(self, jpeg: bytes) -> None:
        super().__init__(io.BytesIO(jpeg))
        self._jpeg = jpeg

    def getRGBData(self) -> bytes:  # reportlab's name, hence not snake case
        self._dataA = None  # no alpha channel
        return self._jpeg


class _Photo(Flowable):
    """A photo at a fixed size, drawn from its JPEG bytes."""

    def __init__(self, jpeg: bytes, width: float, height: float) -> None:
        super().__init__()
        self.jpeg, self.width, self.height = jpeg, width, height
        self.hAlign = "CENTER"

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        reader = _JpegReader(self.jpeg)  # made when drawn, dropped right after
        self.canv.drawImage(reader, 0, 0, self.width, self.height, mask=None)


class _DotBar(Flowable):
    """A proportional bar for a priority's dots, drawn straight on the canvas.

    (A reportlab Drawing would do, but it sets Helvetica, which then sits unembedded
    in the PDF.)
    """

    def __init__(self, share: float, width: float, height: float = 9) -> None:
        super().__init__()
        self.share, self.width, self.height = share, width, height

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        self.canv.setFillColor(HexColor("#e7eee9"))
        self.canv.roundRect(0, 0, self.width, self.height, 2, stroke=0, fill=1)
        if self.share > 0:
            self.canv.setFillColor(HexColor(BRAND))
            filled = max(self.width * self.share, 4)
            self.canv.roundRect(0, 0, filled, self.height, 2, stroke=0, fill=1)
