"""The bi-annual audit report for the Chief (424.5(c)): figures computed from the access log.

`AuditReportService.build` walks the access log over the period and returns plain data
(app.reports.audit_report's dataclasses): searches per user and role, purposes and case
numbers, refusals, lockouts, exports and releases, purges, and flagged anomalies —
queries without a real case number, bursts, off-hours use, and a user searching one plate
many times without a case. `write` renders it to PDF; both are audited.
"""
from __future__ import annotations

import json
import os
import tempfile
from collections import Counter, defaultdict, deque
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path

from sqlalchemy import select

from app.data import audit_log
from app.data.db import Database
from app.data.orm import AuditRecord, RetentionRun, User
from app.domain.accounts import Caller
from app.domain.audit import AuditEntry, Outcome
from app.domain.clock import Clock
from app.domain.errors import ValidationError
from app.domain.plates import normalise_plate
from app.domain.roles import Permission, Role
from app.reports.audit_report import (
    Anomaly, AnomalyRules, AuditReportData, Event, PurgeRow, PurposeRow, RoleRow, UserRow, render_audit_report,
)
from app.services import system
from app.services.access import Gate, facts

SEARCH_ACTIONS = frozenset({"search", "canvass_multi_scene", "associates"})
PLACEHOLDER_CASES = frozenset({"", "-", "--", "?", "0", "na", "n/a", "none", "nil", "tbd", "unknown", "x", "xx",
                               "test", "no case", "pending"})


def has_real_case(case_number: str) -> bool:
    return case_number.strip().lower() not in PLACEHOLDER_CASES


TRANSFER_ACTIONS = frozenset({"packet_build", "packet_print", "release_approve", "release_deny"})


def is_transfer(action: str) -> bool:
    """Data or records leaving the system (exports, packets) and the release decisions."""
    return "export" in action or action in TRANSFER_ACTIONS


def local_zone() -> tzinfo:
    return datetime.now().astimezone().tzinfo or timezone.utc


def _plates(entry: AuditEntry) -> list[str]:
    try:
        elements = json.loads(entry.query or "{}")
    except ValueError:
        return []
    found = []
    for key in ("plate", "target"):
        value = elements.get(key) if isinstance(elements, dict) else None
        if isinstance(value, str) and value and not any(c in value for c in "?*"):
            found.append(normalise_plate(value))
    return found


class AuditReportService:
    def __init__(self, db: Database, gate: Gate, audit, now: Clock) -> None:
        self._db = db
        self._gate = gate
        self._audit = audit  # AuditService: the chain is verified as the report is made
        self._now = now

    def build(self, caller: Caller, start: date, end: date, *, zone: tzinfo | None = None,
              rules: AnomalyRules = AnomalyRules()) -> AuditReportData:
        """Figures for the days start..end inclusive (local dates in `zone`), from the access log."""
        if end < start:
            raise ValidationError("The report period ends before it starts.")
        zone = zone or local_zone()
        query = {"from": start.isoformat(), "to": end.isoformat()}
        caller = self._gate.require(caller, Permission.AUDIT_REVIEW, action="audit_report", query=query)
        chain = self._audit.verify(caller)
        lo, hi = _utc(start, zone), _utc(end + timedelta(days=1), zone)
        with self._db.transaction() as session:
            roles = {u.username: tuple(sorted(r.role for r in u.roles)) for u in session.scalars(select(User))}
            entries = list(audit_log.iter_entries(session, select(AuditRecord).where(
                AuditRecord.occurred_at >= lo, AuditRecord.occurred_at < hi).order_by(AuditRecord.seq)))
            runs = session.scalars(select(RetentionRun).where(RetentionRun.run_at >= lo, RetentionRun.run_at < hi)
                                   .order_by(RetentionRun.run_at)).all()
            purges = [PurgeRow(r.run_at, r.run_by, r.cutoff, r.dry_run, r.deleted_reads, r.deleted_images,
                               r.kept_on_hold) for r in runs]
            agency = system.get_setting(session, system.AGENCY, caller.agency)
            data = _compute(entries, roles, purges, rules, zone)
            data = data.with_header(agency=agency, start=start, end=end, generated_at=self._now(),
                                    generated_by=caller.username, zone_name=_zone_name(zone, lo),
                                    chain_ok=chain.ok, chain_text=chain.describe())
            audit_log.append(session, facts(caller), action="audit_report", outcome=Outcome.OK.value,
                             now=self._now(), query=query, result_count=len(entries))
        return data

    def write(self, caller: Caller, start: date, end: date, out: Path, *, zone: tzinfo | None = None,
              rules: AnomalyRules = AnomalyRules()) -> AuditReportData:
        """Build the report and write it to `out` as PDF; the file appears whole or not at all."""
        data = self.build(caller, start, end, zone=zone, rules=rules)
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=".audit-report-", suffix=".pdf")
        os.close(fd)
        try:
            render_audit_report(data, Path(tmp))
            os.replace(tmp, out)
        finally:
            Path(tmp).unlink(missing_ok=True)
        return data


def _utc(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(0), zone).astimezone(timezone.utc).replace(tzinfo=None)


def _zone_name(zone: tzinfo, at: datetime) -> str:
    return getattr(zone, "key", None) or at.replace(tzinfo=timezone.utc).astimezone(zone).tzname() or "UTC"


def _local(at: datetime, zone: tzinfo) -> datetime:
    return at.replace(tzinfo=timezone.utc).astimezone(zone)


def _compute(entries: list[AuditEntry], roles: dict[str, tuple[str, ...]], purges: list[PurgeRow],
             rules: AnomalyRules, zone: tzinfo) -> AuditReportData:
    per_user: dict[str, Counter] = defaultdict(Counter)
    purposes: dict[tuple[str, str], list] = {}
    refusals, lockouts, transfers = [], [], []
    searches: list[AuditEntry] = []
    for e in entries:
        counts = per_user[e.username]
        if e.action in SEARCH_ACTIONS and e.outcome == Outcome.OK.value:
            searches.append(e)
            counts["searches"] += 1
            row = purposes.setdefault((e.purpose.strip(), e.case_number.strip()), [0, set()])
            row[0] += 1
            row[1].add(e.username)
        elif e.action == "read_open" and e.outcome == Outcome.OK.value:
            counts["reads_opened"] += 1
        elif e.action in ("alerts_view", "alert_open") and e.outcome == Outcome.OK.value:
            counts["alert_views"] += 1
        if e.outcome == Outcome.REFUSED.value:
            counts["refusals"] += 1
            refusals.append(Event(e.occurred_at, e.username, e.action, e.detail))
        if e.action == "login_failed":
            counts["failed_logins"] += 1
        if e.action == "account_locked":
            lockouts.append(Event(e.occurred_at, e.username, e.action, e.detail))
        if is_transfer(e.action) and e.outcome == Outcome.OK.value:
            counts["exports"] += 1
            transfers.append(Event(e.occurred_at, e.username, e.action, _transfer_text(e)))
    users = [UserRow(name, roles.get(name, ()), c["searches"], c["reads_opened"], c["alert_views"], c["exports"],
                     c["refusals"], c["failed_logins"])
             for name, c in sorted(per_user.items()) if sum(c.values())]
    by_role: dict[str, list] = defaultdict(lambda: [set(), 0])
    for row in users:
        for role in row.roles:
            by_role[role][0].add(row.username)
            by_role[role][1] += row.searches
    role_rows = [RoleRow(Role(r).label if r in Role._value2member_map_ else r, len(u), n)
                 for r, (u, n) in sorted(by_role.items())]
    purpose_rows = sorted((PurposeRow(p, c, n, tuple(sorted(u))) for (p, c), (n, u) in purposes.items()),
                          key=lambda r: (-r.searches, r.purpose, r.case_number))
    return AuditReportData(
        records=len(entries), searches=len(searches), users=users, roles=role_rows, purposes=purpose_rows,
        refusals=refusals, lockouts=lockouts, transfers=transfers, purges=purges,
        anomalies=_anomalies(searches, rules, zone), rules=rules)


def _transfer_text(e: AuditEntry) -> str:
    try:
        q = json.loads(e.query or "{}")
    except ValueError:
        q = {}
    parts = []
    if q.get("agency"):
        parts.append(f"to {q['agency']}")
    if e.case_number:
        parts.append(f"case {e.case_number}")
    if e.result_count is not None:
        parts.append(f"{e.result_count:,} records")
    return ", ".join(parts)


def _anomalies(searches: list[AuditEntry], rules: AnomalyRules, zone: tzinfo) -> list[Anomaly]:
    found: list[Anomaly] = []
    by_user: dict[str, list[AuditEntry]] = defaultdict(list)
    for e in searches:
        by_user[e.username].append(e)
    for user, mine in sorted(by_user.items()):
        no_case = [e for e in mine if not has_real_case(e.case_number)]
        if no_case:
            found.append(Anomaly("no case number", user, no_case[0].occurred_at, len(no_case),
                                 f"{len(no_case)} quer{'y' if len(no_case) == 1 else 'ies'} without a case number "
                                 f"(e.g. {no_case[0].case_number.strip() or 'blank'!r})"))
        found += _bursts(user, mine, rules)
        late = [e for e in mine if _off_hours(_local(e.occurred_at, zone), rules)]
        if late:
            found.append(Anomaly("off-hours use", user, late[0].occurred_at, len(late),
                                 f"{len(late)} quer{'y' if len(late) == 1 else 'ies'} between "
                                 f"{rules.off_hours_start:02d}:00 and {rules.off_hours_end:02d}:00 local time"))
        repeats: dict[str, list[AuditEntry]] = defaultdict(list)
        for e in no_case:
            for plate in _plates(e):
                repeats[plate].append(e)
        for plate, hits in sorted(repeats.items()):
            if len(hits) >= rules.repeat_count:
                found.append(Anomaly("repeated plate without a case", user, hits[0].occurred_at, len(hits),
                                     f"searched {plate} {len(hits)} times without a case number"))
    return sorted(found, key=lambda a: (a.kind, a.username, a.first_at))


def _bursts(user: str, mine: list[AuditEntry], rules: AnomalyRules) -> list[Anomaly]:
    """Each run of at least `burst_count` queries within `burst_minutes`, reported once."""
    window = timedelta(minutes=rules.burst_minutes)
    out, recent = [], deque()
    current: list[AuditEntry] | None = None
    for e in mine:
        recent.append(e)
        while recent and e.occurred_at - recent[0].occurred_at > window:
            recent.popleft()
        if len(recent) >= rules.burst_count:
            if current is None:
                current = list(recent)
                out.append(current)
            else:
                current.append(e)
        else:
            current = None
    return [Anomaly("burst", user, run[0].occurred_at, len(run),
                    f"{len(run)} queries from {run[0].occurred_at:%H:%M} to {run[-1].occurred_at:%H:%M} UTC "
                    f"(≥ {rules.burst_count} within {rules.burst_minutes} min)") for run in out]


def _off_hours(local: datetime, rules: AnomalyRules) -> bool:
    hour = local.hour
    if rules.off_hours_start > rules.off_hours_end:
        return hour >= rules.off_hours_start or hour < rules.off_hours_end
    return rules.off_hours_start <= hour < rules.off_hours_end
