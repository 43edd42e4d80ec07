"""Secrets (the database password, the audit checkpoint key) in the OS keyring.

A workstation without a keyring service (a headless Linux box, CI) falls back to the
keyrings.alt file backend inside the data folder, so the app still runs; the README says
that this fallback is only as safe as the folder's permissions.
"""
from __future__ import annotations

import secrets
from pathlib import Path

import keyring
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError

SERVICE = "plate-desk"


def _usable(backend: KeyringBackend) -> bool:
    name = type(backend).__module__ + "." + type(backend).__name__
    # keyrings.alt's plain files are no OS keyring: when nothing better exists, keep the
    # file in the data folder, beside what it protects, rather than in a shared home folder.
    if name.startswith(("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")):
        return False
    if name == "keyring.backends.chainer.ChainerBackend":
        return bool(getattr(backend, "backends", []))
    return True


def _folder_keyring(path: Path) -> KeyringBackend:
    from keyrings.alt.file import PlaintextKeyring

    class FolderKeyring(PlaintextKeyring):
        @property
        def file_path(self) -> str:
            return str(path)

    return FolderKeyring()


class SecretStore:
    def __init__(self, backend: KeyringBackend) -> None:
        self._backend = backend

    @classmethod
    def for_data_dir(cls, data_dir: Path) -> "SecretStore":
        backend = keyring.get_keyring()
        if not _usable(backend):
            backend = _folder_keyring(Path(data_dir) / "keyring.cfg")
        return cls(backend)

    @property
    def backend_name(self) -> str:
        return type(self._backend).__name__

    def get(self, name: str) -> str | None:
        try:
            return self._backend.get_password(SERVICE, name)
        except KeyringError:
            return None

    def set(self, name: str, value: str) -> None:
        self._backend.set_password(SERVICE, name, value)

    def delete(self, name: str) -> None:
        try:
            self._backend.delete_password(SERVICE, name)
        except KeyringError:
            pass

    def get_or_create_key(self, name: str) -> bytes:
        """A random 256-bit key kept under `name`, made the first time it is asked for."""
        value = self.get(name)
        if not value:
            value = secrets.token_hex(32)
            self.set(name, value)
        return bytes.fromhex(value)
