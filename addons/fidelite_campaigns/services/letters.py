"""The letters of a postal batch as one PDF, ready to print and fold into window envelopes.

One A4 page per letter (more if the text is long): the company's name and address at the top,
the member's address where a DL window envelope shows it (right-hand window, about 45 mm from
the top), the date and place, the letter's text, the company's name as signature. Drawn with
reportlab (an Odoo requirement), so no wkhtmltopdf is needed on the server.
"""

import io

from markupsafe import escape
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Frame, NextPageTemplate, PageBreak, PageTemplate, Paragraph, Spacer
from reportlab.platypus.doctemplate import BaseDocTemplate, FrameBreak

BODY = ParagraphStyle("fidelite_body", fontName="Helvetica", fontSize=10.5, leading=14, spaceAfter=6)
SMALL = ParagraphStyle("fidelite_small", parent=BODY, fontSize=8.5, leading=11, spaceAfter=0)
ADDRESS = ParagraphStyle("fidelite_address", parent=BODY, fontSize=11, leading=14, spaceAfter=0)


def _lines(text):
    """Plain text to a paragraph's markup: escaped, line breaks kept."""
    return "<br/>".join(str(escape(line)) for line in (text or "").splitlines())


def build_pdf(sender, letters, place_date):
    """The PDF (bytes) of ``letters``: dicts with ``address`` (lines) and ``text``.

    ``sender``: the lines of the company's name and address; ``place_date``: e.g. "Paris, 2 March 2026".
    """
    buffer = io.BytesIO()
    width, height = A4
    margin = 20 * mm
    # First page of a letter: sender at the top left, the address in the window, then the text
    first = [
        Frame(margin, height - 45 * mm, 90 * mm, 30 * mm, id="sender", showBoundary=0),
        Frame(110 * mm, height - 90 * mm, 85 * mm, 45 * mm, id="address", showBoundary=0),
        Frame(margin, margin, width - 2 * margin, height - 100 * mm - margin, id="text", showBoundary=0),
    ]
    following = [Frame(margin, margin, width - 2 * margin, height - 2 * margin, id="more", showBoundary=0)]
    doc = BaseDocTemplate(buffer, pagesize=A4, title=place_date, author=sender[0] if sender else "")
    doc.addPageTemplates(
        [
            PageTemplate(id="letter", frames=first, autoNextPageTemplate="more"),
            PageTemplate(id="more", frames=following),
        ]
    )
    story = []
    for index, letter in enumerate(letters):
        if index:
            story += [NextPageTemplate("letter"), PageBreak()]
        story.append(Paragraph(_lines("\n".join(sender)), SMALL))
        story.append(FrameBreak())
        story.append(Paragraph(_lines("\n".join(letter["address"])), ADDRESS))
        story.append(FrameBreak())
        story.append(Paragraph(_lines(place_date), BODY))
        story.append(Spacer(1, 6 * mm))
        for paragraph in (letter["text"] or "").split("\n\n"):
            story.append(Paragraph(_lines(paragraph), BODY))
        story.append(Spacer(1, 8 * mm))
        story.append(Paragraph(_lines(sender[0] if sender else ""), BODY))
    doc.build(story)
    return buffer.getvalue()
