"""The bi-annual ALPR audit report (Policy 424.5(c)) as a PDF, from plain data.

The figures are computed in app.services.audit_report; this module only lays them out:
a cover with the chain status and the headline figures, then searches per user and role,
purposes and case numbers, flagged anomalies, refusals and lockouts, exports and releases,
and retention purges. Every page carries the period and "page N of M".
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

# --- the data ------------------------------------------------------------------------


@dataclass(frozen=True)
class AnomalyRules:
    burst_count: int = 20        # this many queries ...
    burst_minutes: int = 10      # ... within this many minutes
    off_hours_start: int = 22    # local hour off-hours begin
    off_hours_end: int = 6       # local hour they end
    repeat_count: int = 3        # one plate searched this often without a case


@dataclass(frozen=True)
class UserRow:
    username: str
    roles: tuple[str, ...]
    searches: int
    reads_opened: int
    alert_views: int
    exports: int
    refusals: int
    failed_logins: int


@dataclass(frozen=True)
class RoleRow:
    role: str
    users: int
    searches: int


@dataclass(frozen=True)
class PurposeRow:
    purpose: str
    case_number: str
    searches: int
    users: tuple[str, ...]


@dataclass(frozen=True)
class Event:
    occurred_at: datetime  # naive UTC
    username: str
    action: str
    detail: str


@dataclass(frozen=True)
class PurgeRow:
    run_at: datetime
    run_by: str
    cutoff: datetime
    dry_run: bool
    deleted_reads: int
    deleted_images: int
    kept_on_hold: int


@dataclass(frozen=True)
class Anomaly:
    kind: str
    username: str
    first_at: datetime
    count: int
    description: str


@dataclass(frozen=True)
class AuditReportData:
    records: int
    searches: int
    users: list[UserRow]
    roles: list[RoleRow]
    purposes: list[PurposeRow]
    refusals: list[Event]
    lockouts: list[Event]
    transfers: list[Event]
    purges: list[PurgeRow]
    anomalies: list[Anomaly]
    rules: AnomalyRules = field(default_factory=AnomalyRules)
    agency: str = ""
    start: date | None = None
    end: date | None = None
    generated_at: datetime | None = None
    generated_by: str = ""
    zone_name: str = "UTC"
    chain_ok: bool = True
    chain_text: str = ""

    def with_header(self, **header) -> "AuditReportData":
        return replace(self, **header)


# --- the PDF -------------------------------------------------------------------------

INK = colors.HexColor("#1d2838")
MUTED = colors.HexColor("#5f6b7a")
RULE = colors.HexColor("#c3cad4")
SHADE = colors.HexColor("#eef1f5")
OK_BG, OK_INK = colors.HexColor("#e6f4ea"), colors.HexColor("#1e7b3a")
BAD_BG, BAD_INK = colors.HexColor("#fce8e6"), colors.HexColor("#b3261e")
FLAG_BG = colors.HexColor("#fff8e1")
MARGIN = 0.65 * inch
BODY_W = LETTER[0] - 2 * MARGIN
MAX_ROWS = 400  # per table; the rest is counted, the full log is in the export


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", parent=getSampleStyleSheet()["BodyText"], fontName="Helvetica", fontSize=9.5,
                          leading=12.5, textColor=INK)
    return {
        "body": body,
        "cell": ParagraphStyle("cell", parent=body, fontSize=8, leading=9.8),
        "head": ParagraphStyle("head", parent=body, fontName="Helvetica-Bold", fontSize=8, leading=9.8),
        "muted": ParagraphStyle("muted", parent=body, fontSize=8.5, leading=11, textColor=MUTED),
        "title": ParagraphStyle("title", parent=body, fontName="Helvetica-Bold", fontSize=20, leading=25),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontSize=11.5, leading=15, textColor=MUTED),
        "h1": ParagraphStyle("h1", parent=body, fontName="Helvetica-Bold", fontSize=13, leading=17,
                             spaceBefore=14, spaceAfter=6),
        "figure": ParagraphStyle("figure", parent=body, fontName="Helvetica-Bold", fontSize=17, leading=20),
        "figlabel": ParagraphStyle("figlabel", parent=body, fontSize=8, leading=10, textColor=MUTED),
    }


def _utc(at: datetime | None) -> str:
    return f"{at:%Y-%m-%d %H:%M}" if at else "—"  # the tables say once that times are UTC


class _NumberedCanvas(Canvas):
    """Draws "page N of M" and the period on every page once the page count is known."""

    def __init__(self, *args, footer: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []
        self._footer = footer

    def showPage(self) -> None:  # noqa: N802 - ReportLab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont("Helvetica", 7.5)
            self.setFillColor(MUTED)
            self.setStrokeColor(RULE)
            self.line(MARGIN, 0.55 * inch, LETTER[0] - MARGIN, 0.55 * inch)
            self.drawString(MARGIN, 0.4 * inch, self._footer)
            self.drawRightString(LETTER[0] - MARGIN, 0.4 * inch, f"Page {self._pageNumber} of {total}")
            super().showPage()
        super().save()


def _table(rows: list[list], widths: list[float], styles, numeric: set[int] = frozenset(),
           flag_rows: set[int] = frozenset()) -> Table:
    head, *body = rows
    cell, bold = styles["cell"], styles["head"]
    right = ParagraphStyle("headRight", parent=bold, alignment=2)
    data = [[Paragraph(escape(str(h)), right if i in numeric else bold) for i, h in enumerate(head)]]
    for row in body[:MAX_ROWS]:
        data.append([Paragraph(escape(str(v)), cell) if i not in numeric else f"{v:,}" if isinstance(v, int) else v
                     for i, v in enumerate(row)])
    if len(body) > MAX_ROWS:
        data.append([Paragraph(f"… and {len(body) - MAX_ROWS:,} more rows (see the full log export)", cell)]
                    + [""] * (len(head) - 1))
    table = Table(data, colWidths=[w * BODY_W for w in widths], repeatRows=1)
    commands = [
        ("BACKGROUND", (0, 0), (-1, 0), SHADE), ("LINEBELOW", (0, 0), (-1, 0), 0.6, RULE),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONT", (0, 1), (-1, -1), "Helvetica", 8), ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    for column in numeric:
        commands.append(("ALIGN", (column, 1), (column, -1), "RIGHT"))
    for row in flag_rows:
        commands.append(("BACKGROUND", (0, row + 1), (-1, row + 1), FLAG_BG))
    table.setStyle(TableStyle(commands))
    return table


def _figures(data: AuditReportData, styles) -> Table:
    figures = [(data.records, "access records"), (data.searches, "searches"), (len(data.refusals), "refusals"),
               (len(data.lockouts), "lockouts"), (len(data.transfers), "exports and releases"),
               (len(data.anomalies), "anomalies flagged")]
    cells = [[Paragraph(f"{n:,}", styles["figure"]), Paragraph(label, styles["figlabel"])] for n, label in figures]
    table = Table([[c[0] for c in cells], [c[1] for c in cells]], colWidths=[BODY_W / 6] * 6)
    table.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.5, RULE), ("INNERGRID", (0, 0), (-1, -1), 0.25, RULE),
                               ("BACKGROUND", (0, 0), (-1, -1), colors.white),
                               ("TOPPADDING", (0, 0), (-1, 0), 8), ("BOTTOMPADDING", (0, 1), (-1, 1), 8)]))
    return table


def _chain_box(data: AuditReportData, styles) -> Table:
    ok = data.chain_ok
    text = ("✔ " if ok else "✘ ") + escape(data.chain_text or ("chain verified" if ok else "chain broken"))
    para = Paragraph(f"<b>Access log integrity:</b> {text}", ParagraphStyle(
        "chain", parent=styles["body"], textColor=OK_INK if ok else BAD_INK))
    box = Table([[para]], colWidths=[BODY_W])
    box.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), OK_BG if ok else BAD_BG),
                             ("BOX", (0, 0), (-1, -1), 0.6, OK_INK if ok else BAD_INK),
                             ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
    return box


def _section(title: str, intro: str, content, styles, empty: str) -> list:
    heading = [Paragraph(escape(title), styles["h1"])]
    if intro:
        heading.append(Paragraph(intro, styles["muted"]))
        heading.append(Spacer(1, 4))
    if content is None:
        return [KeepTogether(heading + [Paragraph(escape(empty), styles["body"])])]
    return [KeepTogether(heading + [content])] if not isinstance(content, Table) or len(content._cellvalues) < 25 \
        else heading + [content]


def render_audit_report(data: AuditReportData, out: Path) -> int:
    """Write the report to `out`; returns the number of pages."""
    styles = _styles()
    period = f"{data.start:%d %B %Y} – {data.end:%d %B %Y}" if data.start and data.end else ""
    story = [
        Paragraph("ALPR Audit Report", styles["title"]),
        Paragraph(f"{escape(data.agency)} · Policy 424.5(c) bi-annual audit for the Chief of Police", styles["subtitle"]),
        Spacer(1, 6),
        Paragraph(f"<b>Period:</b> {period} (local dates, {escape(data.zone_name)}) &nbsp;&nbsp; "
                  f"<b>Prepared by:</b> {escape(data.generated_by)} on {_utc(data.generated_at)} UTC", styles["body"]),
        Spacer(1, 10), _chain_box(data, styles), Spacer(1, 10), _figures(data, styles), Spacer(1, 4),
        Paragraph("Times are UTC. Searches are plate searches, canvasses, multi-scene canvasses and associate "
                  "searches that ran; refused attempts are counted under refusals. Roles are the users' current "
                  "roles.", styles["muted"]),
    ]
    r = data.rules
    users = [["User", "Roles", "Searches", "Reads opened", "Alert views", "Exports", "Refused", "Failed log-ins"]]
    users += [[u.username, ", ".join(u.roles) or "—", u.searches, u.reads_opened, u.alert_views, u.exports,
               u.refusals, u.failed_logins] for u in data.users]
    story += _section("Searches per user", "", _table(users, [.14, .22, .1, .11, .1, .09, .09, .15], styles,
                                                       numeric={2, 3, 4, 5, 6, 7}) if data.users else None,
                      styles, "No access to ALPR data in this period.")
    roles = [["Role", "Users active", "Searches"]] + [[x.role, x.users, x.searches] for x in data.roles]
    story += _section("Searches per role", "A user holding several roles counts under each.",
                      _table(roles, [.5, .25, .25], styles, numeric={1, 2}) if data.roles else None, styles,
                      "No activity by role.")
    purposes = [["Purpose", "Case number", "Searches", "Users"]]
    purposes += [[p.purpose or "(none given)", p.case_number or "(none)", p.searches, ", ".join(p.users)]
                 for p in data.purposes]
    story += _section("Purposes and case numbers", "Policy 424.5(b): every query names a purpose and a case.",
                      _table(purposes, [.42, .2, .11, .27], styles, numeric={2}) if data.purposes else None,
                      styles, "No searches in this period.")
    anomalies = [["Flag", "User", "First (UTC)", "Count", "What"]]
    anomalies += [[a.kind, a.username, _utc(a.first_at), a.count, a.description] for a in data.anomalies]
    story += _section(
        "Flagged for review",
        f"Queries without a real case number; bursts of {r.burst_count} or more queries within {r.burst_minutes} "
        f"minutes; use between {r.off_hours_start:02d}:00 and {r.off_hours_end:02d}:00 local time; one plate "
        f"searched {r.repeat_count} or more times without a case. A flag is a prompt to ask, not a finding.",
        _table(anomalies, [.17, .12, .17, .08, .46], styles, numeric={3}, flag_rows=set(range(len(data.anomalies))))
        if data.anomalies else None, styles, "Nothing was flagged.")
    events = [["When (UTC)", "User", "Action", "Detail"]]
    refused = events + [[_utc(e.occurred_at), e.username, e.action, e.detail] for e in data.refusals]
    story += _section("Refusals", "Attempts the system refused: missing role, training or acknowledgement, "
                      "separation of duties.", _table(refused, [.17, .13, .18, .52], styles)
                      if data.refusals else None, styles, "No refusals.")
    locks = events + [[_utc(e.occurred_at), e.username, e.action, e.detail] for e in data.lockouts]
    story += _section("Lockouts", "", _table(locks, [.17, .13, .18, .52], styles) if data.lockouts else None,
                      styles, "No account was locked.")
    moved = events + [[_utc(e.occurred_at), e.username, e.action, e.detail] for e in data.transfers]
    story += _section("Exports and releases", "Data and records that left the system (Policy 424.7).",
                      _table(moved, [.17, .13, .2, .5], styles) if data.transfers else None, styles,
                      "Nothing was exported or released.")
    purges = [["Run (UTC)", "By", "Cutoff (UTC)", "Kind", "Reads deleted", "Images deleted", "Kept on hold"]]
    purges += [[_utc(p.run_at), p.run_by, _utc(p.cutoff), "dry run" if p.dry_run else "purge", p.deleted_reads,
                p.deleted_images, p.kept_on_hold] for p in data.purges]
    story += _section("Retention purges", "Policy 424.4: reads past the retention period are purged unless held.",
                      _table(purges, [.17, .11, .17, .1, .15, .15, .15], styles, numeric={4, 5, 6})
                      if data.purges else None, styles, "No retention run in this period.")

    doc = SimpleDocTemplate(str(out), pagesize=LETTER, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=0.8 * inch, title="ALPR Audit Report", author=data.generated_by,
                            subject=f"Policy 424.5(c) audit, {period}")
    footer = f"{data.agency} · ALPR audit report · {period} · confidential"
    doc.build(story, canvasmaker=lambda *a, **k: _NumberedCanvas(*a, footer=footer, **k))
    return doc.page
