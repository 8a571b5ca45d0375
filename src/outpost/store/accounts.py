"""Accounts in the store: connections and their health; keyring references only."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from outpost.domain.enums import Network
from outpost.domain.errors import InvalidStateError, NotFoundError
from outpost.domain.models import Account, HealthReport
from outpost.store._codec import decode_time, encode_time
from outpost.store.db import Database, Row


class AccountRepository:
    """Reads and writes `Account`s."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def insert(self, account: Account) -> None:
        """Save a new account.

        Raises:
            InvalidStateError: the same account is already connected.
        """
        try:
            with self._db.transaction():
                self._db.execute(
                    "INSERT INTO accounts (id, network, handle, display_name, service_url, "
                    "target_id, secret_ref, created_at, removed_at, health, avatar_url) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        account.id,
                        account.network.value,
                        account.handle,
                        account.display_name,
                        account.service_url,
                        account.target_id,
                        account.secret_ref,
                        encode_time(account.created_at),
                        encode_time(account.removed_at),
                        account.health.model_dump_json(),
                        account.avatar_url,
                    ),
                )
        except sqlite3.IntegrityError:
            raise InvalidStateError(
                f"{account.ref} is already connected; remove it first to connect it again."
            ) from None

    def get(self, account_id: str) -> Account:
        """The account with that id (removed ones included, for history)."""
        rows = self._db.query("SELECT * FROM accounts WHERE id = ?", (account_id,))
        if not rows:
            raise NotFoundError(f"No account {account_id!r}. See `outpost accounts list`.")
        return _account(rows[0])

    def all(self, *, include_removed: bool = False) -> list[Account]:
        """Connected accounts, oldest first."""
        where = "" if include_removed else "WHERE removed_at IS NULL"
        return [
            _account(r) for r in self._db.query(f"SELECT * FROM accounts {where} ORDER BY created_at, id")
        ]

    def find(self, ref: str) -> Account:
        """The connected account named by id or `network:handle`.

        Raises:
            NotFoundError: no such account, with the accounts there are.
        """
        for account in self.all():
            if ref in (account.id, account.ref) or ref == f"{account.network.value}:@{account.handle}":
                return account
        known = ", ".join(a.ref for a in self.all()) or "none yet; add one with `outpost accounts add`"
        raise NotFoundError(f"No connected account {ref!r}. Connected accounts: {known}.")

    def by_network(self, network: Network) -> list[Account]:
        """Connected accounts on one network."""
        return [a for a in self.all() if a.network is network]

    def set_health(self, account_id: str, health: HealthReport) -> None:
        """Record a health check."""
        with self._db.transaction():
            self._db.execute(
                "UPDATE accounts SET health = ? WHERE id = ?",
                (health.model_dump_json(), account_id),
            )

    def set_avatar_url(self, account_id: str, url: str | None) -> None:
        """Remember where the account's picture is now (a reconnect may bring a new one)."""
        with self._db.transaction():
            self._db.execute("UPDATE accounts SET avatar_url = ? WHERE id = ?", (url, account_id))

    def mark_removed(self, account_id: str, when: datetime) -> None:
        """Remove an account from use; its posts keep pointing at it for history."""
        with self._db.transaction():
            self._db.execute(
                "UPDATE accounts SET removed_at = ? WHERE id = ? AND removed_at IS NULL",
                (encode_time(when), account_id),
            )


def _account(row: Row) -> Account:
    return Account(
        id=row["id"],
        network=Network(row["network"]),
        handle=row["handle"],
        display_name=row["display_name"],
        service_url=row["service_url"],
        target_id=row["target_id"],
        secret_ref=row["secret_ref"],
        created_at=decode_time(row["created_at"]),
        removed_at=decode_time(row["removed_at"]),
        health=HealthReport.model_validate_json(row["health"]),
        avatar_url=row["avatar_url"],
    )
