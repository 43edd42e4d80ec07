"""Log-in, lockout after five failures, admin unlock, rehash, session unlock: on both back-ends."""
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from app.data.orm import AuditRecord, User
from app.domain.errors import AccountLocked, AuthenticationFailed
from app.domain.roles import Role
from app.services.passwords import PasswordHashing
from tests.conftest import ADMIN_PASSWORD, USER_PASSWORD, fast_hashing


def actions(services) -> list[tuple[str, str, str]]:
    with services.db.transaction() as s:
        return [(r.username, r.action, r.outcome) for r in s.scalars(select(AuditRecord).order_by(AuditRecord.seq))]


def test_unknown_user_and_wrong_password_get_the_same_answer(services, admin):
    with pytest.raises(AuthenticationFailed) as unknown:
        services.auth.login("nobody", ADMIN_PASSWORD)
    with pytest.raises(AuthenticationFailed) as wrong:
        services.auth.login("admin", "not the password at all")
    assert str(unknown.value) == str(wrong.value)
    assert ("nobody", "login_failed", "failed") in actions(services)
    assert ("admin", "login_failed", "failed") in actions(services)


def test_five_failures_lock_the_account_until_an_administrator_unlocks_it(services, admin, make_user):
    make_user("det1", Role.DETECTIVE)
    for _ in range(4):
        with pytest.raises(AuthenticationFailed):
            services.auth.login("det1", "wrong wrong wrong wrong")
    with pytest.raises(AccountLocked):
        services.auth.login("det1", "wrong wrong wrong wrong")
    # Even the right password is refused now.
    with pytest.raises(AccountLocked):
        services.auth.login("det1", USER_PASSWORD)
    assert ("det1", "account_locked", "ok") in actions(services)
    assert ("det1", "login_refused_locked", "refused") in actions(services)

    services.users.unlock(admin, "det1")
    assert services.auth.login("det1", USER_PASSWORD).username == "det1"
    assert ("admin", "account_unlocked", "ok") in actions(services)


def test_a_success_resets_the_failure_count(services, admin):
    for _ in range(4):
        with pytest.raises(AuthenticationFailed):
            services.auth.login("admin", "wrong wrong wrong wrong")
    services.auth.login("admin", ADMIN_PASSWORD)
    with pytest.raises(AuthenticationFailed):
        services.auth.login("admin", "wrong wrong wrong wrong")
    assert services.auth.login("admin", ADMIN_PASSWORD)


def test_deactivated_user_cannot_log_in(services, admin, make_user):
    make_user("disp1", Role.DISPATCHER)
    services.users.deactivate(admin, "disp1")
    with pytest.raises(AuthenticationFailed):
        services.auth.login("disp1", USER_PASSWORD)


def test_hash_is_redone_at_login_when_parameters_rise(services, admin):
    weak = PasswordHashing(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    with services.db.transaction() as s:
        s.scalar(select(User).where(User.username == "admin")).password_hash = weak.hash(ADMIN_PASSWORD)
    services.auth.login("admin", ADMIN_PASSWORD)
    with services.db.transaction() as s:
        stored = s.scalar(select(User.password_hash).where(User.username == "admin"))
    assert "m=8," not in stored and not fast_hashing().needs_rehash(stored)


def test_session_unlock_needs_the_password_and_failures_count(services, admin, make_user):
    det = make_user("det2", Role.DETECTIVE)
    services.auth.session_locked(det)
    with pytest.raises(AuthenticationFailed):
        services.auth.unlock_session(det, "not it, not it, not it")
    assert services.auth.unlock_session(det, USER_PASSWORD).username == "det2"
    for _ in range(4):
        with pytest.raises(AuthenticationFailed):
            services.auth.unlock_session(det, "not it, not it, not it")
    with pytest.raises(AccountLocked):
        services.auth.unlock_session(det, "not it, not it, not it")
    assert ("det2", "session_locked", "ok") in actions(services)


def test_password_change_checks_the_old_one_and_the_rules(services, admin):
    from app.domain.errors import ValidationError

    with pytest.raises(ValidationError):
        services.auth.change_password(admin, ADMIN_PASSWORD, "too short")
    with pytest.raises(AuthenticationFailed):
        services.auth.change_password(admin, "not the old password", "a brand new long passphrase")
    services.auth.change_password(admin, ADMIN_PASSWORD, "a brand new long passphrase")
    assert services.auth.login("admin", "a brand new long passphrase")
    assert ("admin", "password_changed", "ok") in actions(services)
