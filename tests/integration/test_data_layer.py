"""The engine's settings, migrations and the image store, on real files and servers."""
from sqlalchemy import inspect, text

from app.data.images import ImageStore, sha256_bytes
from app.data.migrate import is_current


def test_sqlite_runs_in_wal_mode_with_foreign_keys(services):
    if services.db.engine.dialect.name != "sqlite":
        return
    with services.db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA secure_delete")).scalar() == 1


def test_schema_is_at_the_newest_migration_with_every_policy_table(services):
    assert is_current(services.db.engine)
    tables = set(inspect(services.db.engine).get_table_names())
    assert {
        "users", "user_roles", "training_records", "policy_acknowledgements", "sources", "plates",
        "plate_reads", "images", "import_batches", "hotlists", "hotlist_entries", "alerts", "cases",
        "evidence_holds", "release_requests", "retention_runs", "audit_log", "audit_head",
    } <= tables


def test_foreign_keys_are_enforced(services):
    import pytest
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        with services.db.engine.begin() as conn:
            conn.execute(text("INSERT INTO user_roles (user_id, role) VALUES (9999, 'officer')"))


def test_image_store_keeps_each_file_once_by_sha256(tmp_path):
    store = ImageStore(tmp_path / "images")
    data = b"\x89PNG fake plate crop"
    sha = store.put(data)
    assert sha == sha256_bytes(data)
    assert store.put(data) == sha
    assert store.path(sha).name == sha and store.read(sha) == data
    assert len([p for p in (tmp_path / "images").rglob("*") if p.is_file()]) == 1
    assert store.delete(sha) and not store.exists(sha)


def test_server_password_comes_from_the_keyring_not_the_url(tmp_path):
    from app.data.db import resolve_url, server_secret_name
    from app.data.secrets import SecretStore
    from sqlalchemy import make_url

    secrets = SecretStore.for_data_dir(tmp_path)
    url = "postgresql+psycopg://platedesk@db.example:5432/alpr"
    secrets.set(server_secret_name(make_url(url)), "s3cret-from-keyring")
    assert resolve_url(url, secrets).password == "s3cret-from-keyring"
    assert "s3cret" not in url
