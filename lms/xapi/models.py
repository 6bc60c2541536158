from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db

# Lengths of the identifier columns: validation refuses longer identifiers with a
# message naming the field, on every database (SQLite does not enforce them).
AGENT_KEY_LENGTH = 512      # an agent's key: "mbox:...", "account:<homePage>|<name>"...
VERB_ID_LENGTH = 512
ACTIVITY_ID_LENGTH = 1024
DOCUMENT_ID_LENGTH = 255    # stateId, profileId
CONTENT_TYPE_LENGTH = 255
CREDENTIAL_NAME_LENGTH = 120
GRANT_REASON_LENGTH = 200

# BIGINT on PostgreSQL; SQLite only auto-increments an INTEGER primary key.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Json = sa.JSON().with_variant(JSONB(), "postgresql")


class Statement(db.Model):
    """One stored xAPI statement: the full JSON plus the columns queries filter on."""

    __tablename__ = "xapi_statement"
    __table_args__ = (
        sa.Index("ix_xapi_statement_actor_seq", "actor_key", "seq"),
        sa.Index("ix_xapi_statement_activity_seq", "activity_id", "seq"),
        # Most statements have neither: partial indexes cost them nothing to store.
        sa.Index("ix_xapi_statement_registration", "registration",
                 postgresql_where=sa.text("registration IS NOT NULL"), sqlite_where=sa.text("registration IS NOT NULL")),
        sa.Index("ix_xapi_statement_ref_target", "ref_target",
                 postgresql_where=sa.text("ref_target IS NOT NULL"), sqlite_where=sa.text("ref_target IS NOT NULL")),
    )

    # Storage order: what "stored" ordering, paging and "consistent through" rest on.
    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    statement_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, unique=True)
    actor_key: Mapped[str] = mapped_column(sa.String(AGENT_KEY_LENGTH))
    verb_id: Mapped[str] = mapped_column(sa.String(VERB_ID_LENGTH), index=True)
    activity_id: Mapped[str | None] = mapped_column(sa.String(ACTIVITY_ID_LENGTH))
    registration: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    # The statement a StatementRef object points to: filters also return statements that
    # target a matching statement (a voiding statement, for one).
    ref_target: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    timestamp: Mapped[datetime]
    stored: Mapped[datetime] = mapped_column(index=True)
    voided: Mapped[bool] = mapped_column(default=False)
    data: Mapped[dict] = mapped_column(Json)

    def __repr__(self) -> str:
        return f"<Statement {self.statement_id} {self.verb_id.rsplit('/', 1)[-1]}>"


class StatementAgent(db.Model):
    """Every agent a statement names, for the ``agent`` and ``related_agents`` filters.
    ``direct`` is the actor, or an Agent or Group object."""

    __tablename__ = "xapi_statement_agent"
    __table_args__ = (sa.Index("ix_xapi_statement_agent_key_seq", "agent_key", "seq"),)

    # No foreign key: only the one door writes these rows, in the statement that stores
    # their statement; checking a key per row was a third of a batch insert's execution.
    seq: Mapped[int] = mapped_column(BigId, primary_key=True)
    agent_key: Mapped[str] = mapped_column(sa.String(AGENT_KEY_LENGTH), primary_key=True)
    direct: Mapped[bool] = mapped_column(primary_key=True)


class StatementActivity(db.Model):
    """Every activity a statement names, for the ``activity`` and ``related_activities``
    filters. ``direct`` is the statement's object."""

    __tablename__ = "xapi_statement_activity"
    __table_args__ = (sa.Index("ix_xapi_statement_activity_id_seq", "activity_id", "seq"),)

    seq: Mapped[int] = mapped_column(BigId, primary_key=True)  # no foreign key, as above
    activity_id: Mapped[str] = mapped_column(sa.String(ACTIVITY_ID_LENGTH), primary_key=True)
    direct: Mapped[bool] = mapped_column(primary_key=True)


# xAPI's scope names (xAPI 1.0.3, "OAuth Authorization Scope"), less "define": writing
# statements also keeps the Activities resource's definitions.
SCOPES = ("statements/write", "statements/read/mine", "statements/read", "state", "profile", "all/read", "all")

# What each resource needs, reading and writing. "all" allows everything and "all/read"
# every read; "statements/read/mine" reads only what the credential sent.
RESOURCE_SCOPES = {
    ("statements", False): ("statements/read", "statements/read/mine"),
    ("statements", True): ("statements/write",),
    ("state", False): ("state",),
    ("state", True): ("state",),
    ("profile", False): ("profile",),
    ("profile", True): ("profile",),
    # Definitions merged from every app's statements: for those that read every statement.
    ("activities", False): ("statements/read",),
    # The Person object lists the names seen with an agent, in the statements the
    # credential may read.
    ("agents", False): ("statements/read", "statements/read/mine"),
}


def scopes_allow(scopes, resource: str, write: bool) -> bool:
    """Whether credentials with these scopes may read (or write) this resource."""
    if "all" in scopes or (not write and "all/read" in scopes):
        return True
    return any(scope in scopes for scope in RESOURCE_SCOPES.get((resource, write), ()))


def scopes_read_every_statement(scopes) -> bool:
    return any(scope in scopes for scope in ("all", "all/read", "statements/read"))


class Credential(db.Model):
    """HTTP Basic credentials an admin issues to an external app (a VR lab, an exhibit).
    The secret is shown once and stored only as a hash."""

    __tablename__ = "xapi_credential"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(CREDENTIAL_NAME_LENGTH))
    key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    secret_hash: Mapped[str] = mapped_column(sa.String(255))
    scopes: Mapped[list] = mapped_column(Json)
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    grants: Mapped[list["CredentialGrant"]] = relationship(
        back_populates="credential", order_by="CredentialGrant.granted_at.desc(), CredentialGrant.id.desc()")

    def allows(self, resource: str, write: bool = False) -> bool:
        return scopes_allow(self.scopes, resource, write)

    @property
    def active_grant(self) -> "CredentialGrant | None":
        return next((grant for grant in self.grants if grant.active), None)


class CredentialGrant(db.Model):
    """An admin's grant to an external credential to send statements about the platform's
    learners (accounts of the platform's homePage, and actors linked to a learner). Kept
    when withdrawn, so the record shows who allowed whose evidence, and when."""

    __tablename__ = "xapi_credential_grant"

    id: Mapped[int] = mapped_column(primary_key=True)
    credential_id: Mapped[int] = mapped_column(sa.ForeignKey("xapi_credential.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(sa.String(GRANT_REASON_LENGTH), default="")
    # Admins by their public id, as the record of statements names people: the record
    # outlives an account.
    granted_at: Mapped[datetime]
    granted_by: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)

    credential: Mapped[Credential] = relationship(back_populates="grants")

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class Document(db.Model):
    """A document of the State, Activity Profile or Agent Profile resources. Parts of the
    key that a kind does not use are empty strings, so the unique key works on every
    database (NULLs are never equal)."""

    __tablename__ = "xapi_document"
    __table_args__ = (sa.UniqueConstraint("kind", "activity_id", "agent_key", "registration", "document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # state, activity_profile, agent_profile
    activity_id: Mapped[str] = mapped_column(sa.String(ACTIVITY_ID_LENGTH), default="")
    agent_key: Mapped[str] = mapped_column(sa.String(AGENT_KEY_LENGTH), default="")
    registration: Mapped[str] = mapped_column(sa.String(36), default="")
    document_id: Mapped[str] = mapped_column(sa.String(DOCUMENT_ID_LENGTH))
    content_type: Mapped[str] = mapped_column(sa.String(CONTENT_TYPE_LENGTH))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    etag: Mapped[str] = mapped_column(sa.String(64))
    updated: Mapped[datetime]


class ActivityDefinition(db.Model):
    """The best-known definition of each activity, merged from the statements naming it,
    for the Activities resource."""

    __tablename__ = "xapi_activity"

    activity_id: Mapped[str] = mapped_column(sa.String(ACTIVITY_ID_LENGTH), primary_key=True)
    definition: Mapped[dict] = mapped_column(Json)


class Attachment(db.Model):
    """The raw data of a statement attachment sent in a multipart request, by its hash."""

    __tablename__ = "xapi_attachment"

    sha2: Mapped[str] = mapped_column(sa.String(128), primary_key=True)
    content_type: Mapped[str] = mapped_column(sa.String(CONTENT_TYPE_LENGTH))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)


class OutboxEntry(db.Model):
    """A stored statement waiting to be forwarded to the external LRS. Queued in the same
    transaction as the statement, so nothing stored is ever left out."""

    __tablename__ = "xapi_outbox"
    __table_args__ = (sa.Index("ix_xapi_outbox_state_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    statement_seq: Mapped[int] = mapped_column(BigId, sa.ForeignKey("xapi_statement.seq", ondelete="CASCADE"),
                                               unique=True)
    state: Mapped[str] = mapped_column(sa.String(16), default="pending")  # pending, delivered, dead
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]

    statement: Mapped[Statement] = relationship()


class Actor(db.Model):
    """Every actor a stored statement has (one row each, written the first time it is
    seen), so that the admin's list of actors need not group a million statements."""

    __tablename__ = "xapi_actor"

    actor_key: Mapped[str] = mapped_column(sa.String(AGENT_KEY_LENGTH), primary_key=True)
    first_seq: Mapped[int] = mapped_column(BigId)


class ActorLink(db.Model):
    """An actor seen in external statements (an e-mail address, an app's own account)
    that an admin has said is a platform learner: its statements count as theirs. Only
    the provider whose statements were linked (the credential that sent the actor's latest
    statement then; none if that is unknown) speaks for the actor afterwards, and the
    credentials granted the right to speak for learners."""

    __tablename__ = "xapi_actor_link"

    actor_key: Mapped[str] = mapped_column(sa.String(AGENT_KEY_LENGTH), primary_key=True)
    learner_key: Mapped[str] = mapped_column(sa.String(AGENT_KEY_LENGTH), index=True)
    linked_at: Mapped[datetime]
    credential_id: Mapped[int | None] = mapped_column(sa.ForeignKey("xapi_credential.id", ondelete="SET NULL"))

    credential: Mapped[Credential | None] = relationship()
