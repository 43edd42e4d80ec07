"""Historical search against a plain-Python oracle, on SQLite and PostgreSQL."""
import random
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import delete, insert, select

from app.data.orm import AuditRecord, Plate, PlateRead, Source
from app.domain.errors import PermissionDenied, ValidationError
from app.domain.geo import GeoPoint
from app.domain.roles import Role
from app.domain.search import Scene, SearchCriteria
from app.domain.patterns import PlatePattern
from tests.unit.test_patterns import oracle

ALPHABET = "ABCDGIL0125678OQSZX"
# Stored plates are letters and digits; a few hostile ones prove % _ \ stay literal.
HOSTILE = ["7A%B", "7A_B", "7A\\B", "7AXB", "7AB", "%", "_"]
T0 = datetime(2026, 10, 1, 12, 0)
FOOTHILL_GRAND = GeoPoint(34.1365, -117.8653)


def seed_plates(services, plates, where=FOOTHILL_GRAND, every=timedelta(minutes=1), source="Foothill & Grand",
                start=T0):
    with services.db.transaction() as s:
        source_id = s.scalar(select(Source.id).where(Source.name == source)) or s.execute(
            insert(Source).values(name=source, kind="fixed", lat=where.lat, lon=where.lon, description="")
            .returning(Source.id)).scalar_one()
        for i, text in enumerate(plates):
            plate_id = s.scalar(select(Plate.id).where(Plate.text == text)) or s.execute(
                insert(Plate).values(text=text).returning(Plate.id)).scalar_one()
            s.execute(insert(PlateRead).values(
                plate_id=plate_id, plate_as_read=text, state="CA", confidence=0.9, captured_at=start + i * every,
                lat=where.lat, lon=where.lon, source_id=source_id))


@pytest.fixture
def detective(make_user):
    det = make_user("det", Role.DETECTIVE)
    return replace(det, purpose="Shooting investigation", case_number="GPD-26-1107")


@pytest.fixture
def corpus(services):
    rng = random.Random(1798)
    plates = sorted({"".join(rng.choice(ALPHABET) for _ in range(rng.randint(5, 7))) for _ in range(300)})
    plates += HOSTILE
    seed_plates(services, plates)
    return plates


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tokens=st.lists(st.sampled_from(list(ALPHABET + "?*%_\\")), min_size=1, max_size=8), fuzzy=st.booleans())
def test_search_agrees_with_the_oracle(services, detective, corpus, tokens, fuzzy):
    typed = "".join(tokens)
    try:
        pattern = PlatePattern.parse(typed, fuzzy)
    except ValidationError:
        with pytest.raises(ValidationError):
            services.search.search(detective, SearchCriteria(plate=typed, fuzzy=fuzzy))
        return
    found = services.search.search(detective, SearchCriteria(plate=typed, fuzzy=fuzzy))
    expected = {p for p in corpus if oracle(pattern.tokens, p, fuzzy)}
    assert {h.plate for h in found.hits} == expected
    for hit in found.hits:
        assert hit.fuzzy == (not oracle(pattern.tokens, hit.plate, False))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lead=st.sampled_from(["*", "?", "*?", "?*"]), run=st.text(ALPHABET + "%_\\[]", min_size=3, max_size=5),
       tail=st.sampled_from(["", "*", "?", "?*", "*0"]))
def test_suffix_and_inner_patterns_agree_with_the_oracle(services, detective, corpus, lead, run, tail):
    # These take the trigram index on SQLite (pg_trgm on PostgreSQL) rather than a scan.
    pattern = PlatePattern.parse(lead + run + tail)
    found = services.search.search(detective, SearchCriteria(plate=pattern.text))
    assert {h.plate for h in found.hits} == {p for p in corpus if oracle(pattern.tokens, p, False)}


def test_inner_patterns_follow_new_and_deleted_plates(services, detective, corpus):
    seed_plates(services, ["9QXZ417"], start=T0 + timedelta(days=3))
    assert {h.plate for h in services.search.search(detective, SearchCriteria(plate="*XZ4*")).hits} >= {"9QXZ417"}
    with services.db.transaction() as s:
        plate_id = s.scalar(select(Plate.id).where(Plate.text == "9QXZ417"))
        s.execute(delete(PlateRead).where(PlateRead.plate_id == plate_id))
        s.execute(delete(Plate).where(Plate.id == plate_id))
    seed_plates(services, ["8QXZ999"], start=T0 + timedelta(days=4))
    found = {h.plate for h in services.search.search(detective, SearchCriteria(plate="*QXZ*")).hits}
    assert "9QXZ417" not in found and "8QXZ999" in found


def test_a_hit_carries_its_read_as_stored(services, detective):
    seed_plates(services, ["5TRK442"], start=T0 + timedelta(days=9), source="Route 66 & Lone Hill")
    for typed in ("5TRK442", "5TR*", "*RK44*", "?TRK442"):
        [hit] = services.search.search(detective, SearchCriteria(plate=typed)).hits
        assert (hit.plate, hit.plate_as_read, hit.state, hit.source, hit.confidence) == (
            "5TRK442", "5TRK442", "CA", "Route 66 & Lone Hill", 0.9)
        assert hit.captured_at == T0 + timedelta(days=9) and isinstance(hit.captured_at, datetime)
        assert (hit.lat, hit.lon, hit.fuzzy) == (FOOTHILL_GRAND.lat, FOOTHILL_GRAND.lon, False)


def test_fuzzy_hits_are_marked_and_ranked_below_exact(services, detective):
    seed_plates(services, ["7ABC1O3", "7ABC103", "7A8C1O3"])
    result = services.search.search(detective, SearchCriteria(plate="7ABC1O3", fuzzy=True))
    assert [h.plate for h in result.hits][0] == "7ABC1O3"
    fuzzy = {h.plate: h.differences for h in result.hits if h.fuzzy}
    assert fuzzy == {"7ABC103": "0 for O at 6", "7A8C1O3": "8 for B at 3"}
    exact_only = services.search.search(detective, SearchCriteria(plate="7ABC1O3"))
    assert [h.plate for h in exact_only.hits] == ["7ABC1O3"]


def test_exact_hits_come_first_even_when_the_limit_cuts(services, detective):
    seed_plates(services, ["7ABC1O3"], start=T0)
    seed_plates(services, ["7ABC103", "7A8C1O3"], start=T0 + timedelta(days=1))  # newer look-alikes
    result = services.search.search(detective, SearchCriteria(plate="7ABC1O3", fuzzy=True, limit=1))
    assert [h.plate for h in result.hits] == ["7ABC1O3"] and result.truncated


def test_filters_and_the_access_record(services, detective, corpus):
    criteria = SearchCriteria(plate="7A*", start=T0, end=T0 + timedelta(hours=2), state="CA", limit=5)
    result = services.search.search(detective, criteria)
    assert len(result.hits) <= 5
    assert all(T0 <= h.captured_at < T0 + timedelta(hours=2) for h in result.hits)
    with services.db.transaction() as s:
        record = s.scalars(select(AuditRecord).order_by(AuditRecord.seq.desc()).limit(1)).one()
    assert record.action == "search" and record.purpose == "Shooting investigation"
    assert record.case_number == "GPD-26-1107" and record.result_count == len(result.hits)
    assert '"plate":"7A*"' in record.query and '"state":"CA"' in record.query


def test_a_search_needs_a_purpose_and_a_case_number(services, detective):
    with pytest.raises(ValidationError, match="424.5"):
        services.search.search(replace(detective, case_number=""), SearchCriteria(plate="7ABC123"))


def test_an_officer_is_refused_and_the_refusal_is_logged(services, make_user):
    officer = replace(make_user("off", Role.OFFICER), purpose="patrol", case_number="X-1")
    with pytest.raises(PermissionDenied):
        services.search.search(officer, SearchCriteria(plate="7ABC123"))
    with services.db.transaction() as s:
        record = s.scalars(select(AuditRecord).order_by(AuditRecord.seq.desc()).limit(1)).one()
    assert (record.username, record.action, record.outcome) == ("off", "search", "refused")


def test_canvass_by_radius_and_time(services, detective):
    near = GeoPoint(34.1366, -117.8654)   # ~15 m from the scene
    far = GeoPoint(34.1450, -117.8653)    # ~950 m north
    seed_plates(services, ["NEAR1", "NEAR2"], where=near, every=timedelta(minutes=30), source="cam near")
    seed_plates(services, ["FAR1"], where=far, source="cam far")
    result = services.search.search(detective, SearchCriteria(
        near=FOOTHILL_GRAND, radius_m=500, start=T0 - timedelta(minutes=1), end=T0 + timedelta(minutes=10)))
    assert {h.plate for h in result.hits} == {"NEAR1"}
    drawn = (GeoPoint(34.14, -117.87), GeoPoint(34.14, -117.86), GeoPoint(34.15, -117.86), GeoPoint(34.15, -117.87))
    assert {h.plate for h in services.search.search(detective, SearchCriteria(area=drawn)).hits} == {"FAR1"}


def test_multi_scene_and_associates(services, detective):
    a, b = GeoPoint(34.1365, -117.8653), GeoPoint(34.1200, -117.8500)
    seed_plates(services, ["BOTH1", "ONLYA"], where=a, source="scene A")
    seed_plates(services, ["BOTH1", "ONLYB"], where=b, source="scene B")
    scenes = [Scene("A", a, 200, T0 - timedelta(hours=1), T0 + timedelta(hours=1)),
              Scene("B", b, 200, T0 - timedelta(hours=1), T0 + timedelta(hours=1))]
    hits = services.search.multi_scene(detective, scenes)
    assert [(h.plate, sorted(h.scenes)) for h in hits] == [("BOTH1", ["A", "B"])]

    # A convoy: TAIL1 follows TARGET through the same camera within 20 s, three times.
    for day in range(3):
        seed_plates(services, ["TARGET", "TAIL1"], every=timedelta(seconds=20), source="convoy cam",
                    start=T0 + timedelta(days=day))
    seed_plates(services, ["ONCE1"], source="convoy cam", start=T0 + timedelta(seconds=10))
    found = services.search.associates(detective, "TARGET", window_s=30, min_occasions=2)
    assert [a.plate for a in found] == ["TAIL1"]


def test_export_of_selected_reads_is_an_audited_access(services, detective, corpus, tmp_path):
    import csv

    hits = services.search.search(detective, SearchCriteria(plate="7A*")).hits[:3]
    out = tmp_path / "export" / "reads.csv"
    assert services.export.export_reads_csv(detective, [h.id for h in hits], out) == len(hits)
    rows = list(csv.DictReader(out.open()))
    assert sorted(r["plate"] for r in rows) == sorted(h.plate for h in hits)
    with services.db.transaction() as s:
        record = s.scalars(select(AuditRecord).order_by(AuditRecord.seq.desc()).limit(1)).one()
    assert record.action == "export_csv" and record.result_count == len(hits)
    assert record.case_number == "GPD-26-1107"


def test_suffix_and_inner_patterns_use_an_index_on_sqlite(services):
    from app.data.plate_match import plate_condition

    if services.db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's planner picks pg_trgm by statistics")
    with services.db.transaction() as s:
        for typed in ("*123", "*4X2*", "?4X2*"):
            query = select(Plate.id).where(plate_condition(s, PlatePattern.parse(typed)))
            compiled = query.compile(s.get_bind(), compile_kwargs={"literal_binds": True})
            plan = " ".join(str(row[-1]) for row in s.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}"))
            assert "plates_trigram VIRTUAL TABLE INDEX" in plan, plan
