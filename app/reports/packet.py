"""The evidence packet PDF (Policy 424.4): what an evidence technician prints and books.

Cover, summary table, one page per read (scene image, enlarged plate crop, facts, a small
map), the CLETS notice, a chain-of-custody form and an appendix of every exported file
with its SHA-256. Every page carries the case number in its header and "page N of M" and
the packet id in its footer; each read has a PDF bookmark.
"""
from __future__ import annotations

from datetime import tzinfo
from pathlib import Path
from xml.sax.saxutils import escape

from PIL import Image as PILImage
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import (BaseDocTemplate, Flowable, Frame, Image, PageBreak, PageTemplate, Paragraph, Spacer,
                                Table, TableStyle)

from app.jobs import CancelToken, Progress, ProgressCallback, no_progress
from app.reports.packet_canvas import Bookmark, canvas_maker
from app.reports.packet_map import PlaceMap
from app.reports.packet_model import (CLETS_NOTICE, CONFIDENTIAL, PacketDocument, PacketImage, PacketRead,
                                      local_and_utc)

# Images go into the PDF as binary streams, not ASCII85 text: ReportLab's encoder is pure
# Python here and took half the build time of a 100-read packet.
rl_config.useA85 = 0

PAGE_W, PAGE_H = LETTER
MARGIN = 0.6 * inch
HEADER_H = 0.45 * inch
FOOTER_H = 0.4 * inch
BODY_W = PAGE_W - 2 * MARGIN

INK = colors.HexColor("#1d2838")
MUTED = colors.HexColor("#5f6b7a")
RULE = colors.HexColor("#c3cad4")
SHADE = colors.HexColor("#eef1f5")
NOTICE_BG = colors.HexColor("#fff8e1")
NOTICE_LINE = colors.HexColor("#d9b44a")


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontName="Helvetica", fontSize=9.5, leading=12.5,
                          textColor=INK)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8, leading=9.6),
        "label": ParagraphStyle("label", parent=body, fontSize=8, leading=9.6, textColor=MUTED),
        "mono": ParagraphStyle("mono", parent=body, fontName="Courier", fontSize=7, leading=8.4),
        "title": ParagraphStyle("title", parent=body, fontName="Helvetica-Bold", fontSize=22, leading=27,
                                spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontSize=12, leading=15, textColor=MUTED),
        "h1": ParagraphStyle("h1", parent=body, fontName="Helvetica-Bold", fontSize=14, leading=18,
                             spaceBefore=2, spaceAfter=8),
        "h2": ParagraphStyle("h2", parent=body, fontName="Helvetica-Bold", fontSize=10.5, leading=13,
                             spaceBefore=8, spaceAfter=4),
        "notice": ParagraphStyle("notice", parent=body, fontSize=9, leading=12),
        "caption": ParagraphStyle("caption", parent=body, fontSize=7.5, leading=9, textColor=MUTED),
        "placeholder": ParagraphStyle("placeholder", parent=body, fontSize=9, leading=12, textColor=MUTED,
                                      alignment=TA_CENTER),
    }


def _sha_lines(sha: str | None) -> str:
    """A SHA-256 in two lines of 32, so it fits a narrow column and is easy to compare by eye."""
    if not sha:
        return "—"
    return f"{sha[:32]}<br/>{sha[32:]}"


class _ReadMarker(Flowable):
    """Reports progress and honours cancel as the pages of each read are laid out."""

    def __init__(self, index: int, total: int, report, cancel: CancelToken | None) -> None:
        super().__init__()
        self.index, self.total, self.report, self.cancel = index, total, report, cancel

    def wrap(self, avail_width, avail_height):
        return 0, 0

    def draw(self) -> None:
        if self.cancel is not None:
            self.cancel.raise_if_cancelled()
        self.report(Progress(self.index, self.total, "Drawing read pages"))


class PacketRenderer:
    def __init__(self, doc: PacketDocument, zone: tzinfo | None = None) -> None:
        self.doc = doc
        self.zone = zone
        self.s = _styles()

    # --- page furniture -----------------------------------------------------------------

    def _decorate(self, c, number: int, total: int) -> None:
        d = self.doc
        c.saveState()
        top = PAGE_H - MARGIN
        c.setFillColor(INK)
        c.setFont("Helvetica-Bold", 8.5)
        c.drawString(MARGIN, top - 10, f"Case {d.case_number}")
        c.setFont("Helvetica", 8.5)
        c.drawRightString(PAGE_W - MARGIN, top - 10, f"{d.agency} · ALPR evidence packet")
        c.setFillColor(MUTED)
        c.setFont("Helvetica", 7)
        title = d.case_title if len(d.case_title) <= 90 else d.case_title[:89] + "…"
        c.drawString(MARGIN, top - 20, title)
        c.setStrokeColor(RULE)
        c.setLineWidth(0.6)
        c.line(MARGIN, top - 25, PAGE_W - MARGIN, top - 25)

        bottom = MARGIN
        c.line(MARGIN, bottom + 18, PAGE_W - MARGIN, bottom + 18)
        c.setFillColor(INK)
        c.setFont("Helvetica", 8)
        c.drawString(MARGIN, bottom + 6, f"Packet {d.packet_id}")
        c.setFillColor(MUTED)
        c.setFont("Helvetica", 6.5)
        c.drawCentredString(PAGE_W / 2, bottom + 6, CONFIDENTIAL)
        c.setFillColor(INK)
        c.setFont("Helvetica-Bold", 8)
        c.drawRightString(PAGE_W - MARGIN, bottom + 6, f"page {number} of {total}")
        c.restoreState()

    # --- sections -----------------------------------------------------------------------

    def _kv_table(self, rows: list[tuple[str, str]], label_w: float, value_w: float,
                  value_style: str = "cell") -> Table:
        data = [[Paragraph(escape(k), self.s["label"]), Paragraph(v, self.s[value_style])] for k, v in rows]
        table = Table(data, colWidths=[label_w, value_w])
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ]))
        return table

    def _notice(self, text: str, width: float = BODY_W) -> Table:
        box = Table([[Paragraph(f"<b>Verify before enforcement.</b> {escape(text)}", self.s["notice"])]],
                    colWidths=[width])
        box.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, -1), NOTICE_BG),
            ("BOX", (0, 0), (-1, -1), 0.8, NOTICE_LINE),
            ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ]))
        return box

    def cover(self) -> list:
        d, s = self.doc, self.s
        local, utc = local_and_utc(d.generated_at, self.zone)
        rows = [
            ("Agency", escape(d.agency)),
            ("Case number", f"<b>{escape(d.case_number)}</b>"),
            ("Case title", escape(d.case_title)),
            ("Lead investigator", escape(d.lead_investigator or "—")),
            ("Packet id", f"<b>{escape(d.packet_id)}</b>"),
            ("Generated by", escape(d.generated_by)),
            ("Generated at", local if local == utc else f"{local}<br/>{utc}"),
            ("Workstation", escape(d.workstation or "—")),
            ("Purpose", escape(d.purpose)),
            ("Number of reads", f"<b>{len(d.reads)}</b>"),
            ("Files in the export", f"{len(d.files) + 1} (this PDF, listed with the others in the appendix)"),
        ]
        contents = [
            "Summary of the reads (one line each)",
            "One page per read: scene image, plate crop enlarged, time, place with a map, source "
            "and, for video, the file's SHA-256, frame and time in the video",
            "Chain-of-custody form",
            "Appendix: every file of the export with its SHA-256",
        ]
        bullet = ParagraphStyle("bullet", parent=s["body"], leftIndent=14, bulletIndent=3, spaceAfter=1)
        return [
            Bookmark("cover", "Cover", 0),
            Spacer(1, 0.35 * inch),
            Paragraph(escape(d.agency), s["subtitle"]),
            Paragraph("ALPR Evidence Packet", s["title"]),
            Paragraph(f"Case {escape(d.case_number)}: {escape(d.case_title)}", s["subtitle"]),
            Spacer(1, 0.3 * inch),
            self._kv_table(rows, 1.7 * inch, BODY_W - 1.7 * inch, "body"),
            Spacer(1, 0.3 * inch),
            self._notice(CLETS_NOTICE),
            Spacer(1, 0.25 * inch),
            Paragraph("Contents", s["h2"]),
            *[Paragraph(escape(c), bullet, bulletText="•") for c in contents],
            Spacer(1, 0.2 * inch),
            Paragraph("Policy 424.4: data that is or may become evidence is downloaded onto portable media and "
                      "booked into evidence. The SHA-256 of every file lets the receiver check that nothing "
                      "changed: run <font face='Courier'>python -m app packet verify BAG</font> on the bag "
                      "folder, or compare the values in the appendix. The SHA-256 of this PDF itself is "
                      "in the bag's manifest-sha256.txt and bag-info.txt and in the department's access log.",
                      s["small"]),
            PageBreak(),
        ]

    def summary(self) -> list:
        s = self.s
        head = ["#", "Time (local)", "Plate", "State", "Place (lat, lon)", "Source", "Conf.", "Corrected"]
        # In inches, padding included: bold "State" and "Conf." need 0.45 and "Corrected" 0.7; Source
        # keeps "Route 66 & Lone Hill Ave" on one line, and a longer name wraps at its spaces.
        widths = [0.32, 1.55, 0.8, 0.52, 1.3, 1.44, 0.52, 0.85]
        data: list[list] = [[Paragraph(f"<b>{h}</b>", s["cell"]) for h in head]]
        for r in self.doc.reads:
            local, _ = local_and_utc(r.captured_at, self.zone)
            data.append([
                str(r.number), Paragraph(local, s["cell"]), Paragraph(f"<b>{escape(r.plate_as_read)}</b>", s["cell"]),
                r.state or "—", f"{r.lat:.5f}, {r.lon:.5f}", Paragraph(escape(r.source), s["cell"]),
                f"{r.confidence:.2f}", Paragraph(escape(r.corrected_text or ""), s["cell"]),
            ])
        table = Table(data, colWidths=[w * inch for w in widths], repeatRows=1)
        table.setStyle(TableStyle([
            ("FONT", (0, 1), (-1, -1), "Helvetica", 8),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("BACKGROUND", (0, 0), (-1, 0), SHADE),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f8f9fb")]),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ]))
        return [Bookmark("summary", "Summary of reads", 0),
                Paragraph(f"Summary of reads ({len(self.doc.reads)})", s["h1"]),
                Paragraph("Times are shown in the workstation's zone; the read pages also give UTC. "
                          "Confidence is the OCR's, from 0 to 1. A corrected text is a person's correction "
                          "of the plate as read.", s["small"]),
                Spacer(1, 6), table, PageBreak()]

    def _picture(self, image: PacketImage, max_w: float, max_h: float, missing: str) -> Flowable:
        if image.path is not None:
            try:
                with PILImage.open(image.path) as pil:
                    w, h = pil.size
            except OSError:
                w = h = 0
            if w and h:
                scale = min(max_w / w, max_h / h)
                return Image(str(image.path), width=w * scale, height=h * scale)
        text = image.note or missing
        box = Table([[Paragraph(escape(text), self.s["placeholder"])]], colWidths=[max_w],
                    rowHeights=[min(max_h, 0.9 * inch)])
        box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.5, RULE), ("BACKGROUND", (0, 0), (-1, -1), SHADE),
                                 ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
        return box

    def read_page(self, r: PacketRead, total: int) -> list:
        s = self.s
        local, utc = local_and_utc(r.captured_at, self.zone)
        title = f"Read {r.number} of {total}: {r.plate_as_read}" + (f" ({r.state})" if r.state else "")
        outline = f"{r.number}. {r.plate_as_read} · {local}"
        scene = self._picture(r.scene, BODY_W, 3.1 * inch, "No scene image stored for this read.")
        left_w, gap = 2.6 * inch, 0.2 * inch
        right_w = BODY_W - left_w - gap
        crop = self._picture(r.crop, left_w, 1.15 * inch, "No plate crop stored for this read.")
        place_map = PlaceMap(r.lat, r.lon, self.doc.cameras, size=left_w, source=r.source)

        facts = [
            ("Read id", str(r.read_id)),
            ("Plate as read", f"<b>{escape(r.plate_as_read)}</b>"),
            ("Corrected text", escape(r.corrected_text) if r.corrected_text else "none"),
            ("State", escape(r.state or "—")),
            ("Time (local)", local),
            ("Time (UTC)", utc),
            ("Place (lat, lon)", f"{r.lat:.6f}, {r.lon:.6f}"),
            ("Source", f"{escape(r.source)} ({escape(r.source_kind)})"),
            ("OCR confidence", f"{r.confidence:.2f}"),
        ]
        if r.video_sha256 or r.frame is not None:
            facts += [
                ("Video SHA-256", f"<font face='Courier' size='7'>{_sha_lines(r.video_sha256)}</font>"),
                ("Frame", str(r.frame) if r.frame is not None else "—"),
                ("Time in video", f"{r.t_video_s:.3f} s" if r.t_video_s is not None else "—"),
            ]
        if r.hold_placed_at is not None:
            placed, _ = local_and_utc(r.hold_placed_at, self.zone)
            # A long reason would make the page's table taller than the page; reads.csv has it whole.
            reason = r.hold_reason if len(r.hold_reason) <= 300 else r.hold_reason[:299] + "… (whole in reads.csv)"
            facts.append(("Evidence hold", f"placed by {escape(r.hold_placed_by)}, {placed}<br/>"
                                           f"{escape(reason)}"))
        for label, image in (("Scene file", r.scene), ("Plate crop file", r.crop)):
            if image.name:
                facts.append((label, f"{escape(image.name)}<br/><font face='Courier' size='7'>"
                                     f"{_sha_lines(image.sha256)}</font>"))
        fact_table = self._kv_table(facts, 1.05 * inch, right_w - 1.05 * inch)
        left = [Paragraph("Plate crop (enlarged)", s["caption"]), Spacer(1, 2), crop, Spacer(1, 8),
                Paragraph("Place: the read (red) and fixed cameras (blue) within 600 m; grid 200 m",
                          s["caption"]), Spacer(1, 2), place_map]
        lower = Table([[left, "", fact_table]], colWidths=[left_w, gap, right_w])
        lower.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                   ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
        return [
            Bookmark(f"read-{r.read_id}", outline, 1),
            Paragraph(escape(title), s["h1"]),
            Paragraph("Scene image", s["caption"]), Spacer(1, 2), scene, Spacer(1, 8),
            lower, Spacer(1, 8),
            self._notice(CLETS_NOTICE),
            PageBreak(),
        ]

    def custody(self) -> list:
        s, d = self.s, self.doc
        local, utc = local_and_utc(d.generated_at, self.zone)
        head = ["#", "Released by\n(name, ID no.)", "Received by\n(name, ID no.)", "Date and time",
                "Purpose of transfer", "Signatures\n(released / received)"]
        widths = [0.3, 1.45, 1.45, 1.05, 1.45, 1.6]
        data = [[Paragraph("<b>" + escape(h).replace("\n", "<br/>") + "</b>", s["cell"]) for h in head]]
        data += [[str(i), "", "", "", "", ""] for i in range(1, 11)]
        table = Table(data, colWidths=[w * inch for w in widths], rowHeights=[None] + [0.52 * inch] * 10)
        table.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.6, INK),
            ("BACKGROUND", (0, 0), (-1, 0), SHADE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("FONT", (0, 1), (0, -1), "Helvetica", 8),
        ]))
        return [
            Bookmark("custody", "Chain of custody", 0),
            Paragraph("Chain of custody", s["h1"]),
            self._kv_table([
                ("Case", f"{escape(d.case_number)}: {escape(d.case_title)}"),
                ("Packet id", escape(d.packet_id)),
                ("Generated", f"by {escape(d.generated_by)} at {local} ({utc}) on {escape(d.workstation or '—')}"),
                ("Items", f"this PDF ({len(d.reads)} reads), and the bag of {len(d.files) + 1} files listed "
                          "in the appendix"),
            ], 1.0 * inch, BODY_W - 1.0 * inch),
            Spacer(1, 8),
            Paragraph("Record every transfer of this packet and its media. Each person who releases or "
                      "receives it prints their name and ID number, the date and time and the purpose, and "
                      "signs.", s["small"]),
            Spacer(1, 6),
            table,
            PageBreak(),
        ]

    def appendix(self) -> list:
        s, d = self.s, self.doc
        data = [[Paragraph("<b>File (in the bag)</b>", s["cell"]), Paragraph("<b>Bytes</b>", s["cell"]),
                 Paragraph("<b>SHA-256</b>", s["cell"])]]
        for f in d.files:
            data.append([Paragraph(escape(f.name), s["cell"]), f"{f.size:,}", Paragraph(f.sha256, s["mono"])])
        table = Table(data, colWidths=[2.55 * inch, 0.75 * inch, BODY_W - 3.3 * inch], repeatRows=1)
        table.setStyle(TableStyle([
            ("FONT", (0, 1), (-1, -1), "Helvetica", 8),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("ALIGN", (1, 1), (1, -1), "RIGHT"),
            ("BACKGROUND", (0, 0), (-1, 0), SHADE),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]))
        pdf = escape(f"data/{d.pdf_name}") if d.pdf_name else "this PDF"
        return [
            Bookmark("appendix", "Appendix: files and SHA-256", 0),
            Paragraph("Appendix: files of the export", s["h1"]),
            Paragraph(f"Every file of the bag's data/ folder but this PDF ({pdf}), with its size and SHA-256. "
                      "A PDF cannot hold its own hash: it is in manifest-sha256.txt and bag-info.txt "
                      "(Packet-PDF-SHA256) and in the department's access log.", s["small"]),
            Spacer(1, 6),
            table,
        ]

    def story(self, report: ProgressCallback, cancel: CancelToken | None) -> list:
        total = len(self.doc.reads)
        story = self.cover() + self.summary()
        story.append(Bookmark("reads", "Reads", 0))
        for r in self.doc.reads:
            story.append(_ReadMarker(r.number - 1, total, report, cancel))
            story += self.read_page(r, total)
        story.append(_ReadMarker(total, total, report, cancel))
        story += self.custody() + self.appendix()
        return story


def render_packet(doc: PacketDocument, out: Path, *, zone: tzinfo | None = None,
                  progress: ProgressCallback = no_progress, cancel: CancelToken | None = None) -> int:
    """Write the packet PDF to `out` and return its number of pages."""
    renderer = PacketRenderer(doc, zone)
    pages = {"count": 0}

    def decorate(c, number: int, total: int) -> None:
        pages["count"] = total
        renderer._decorate(c, number, total)

    template = BaseDocTemplate(
        str(out), pagesize=LETTER, leftMargin=MARGIN, rightMargin=MARGIN,
        topMargin=MARGIN + HEADER_H, bottomMargin=MARGIN + FOOTER_H,
        title=f"ALPR evidence packet {doc.packet_id}, case {doc.case_number}",
        author=doc.generated_by, subject=f"{doc.agency}: case {doc.case_number}",
        creator="Plate Desk", keywords=[doc.case_number, doc.packet_id], pageCompression=1,
    )
    frame = Frame(MARGIN, MARGIN + FOOTER_H, BODY_W, PAGE_H - 2 * MARGIN - HEADER_H - FOOTER_H,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    template.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    template.build(renderer.story(progress, cancel), canvasmaker=canvas_maker(decorate))
    return pages["count"]
