"""platform identity: the IRI that actor homePages, activity ids and the platform's
authority are built from, stored in the database so that a change of LMS_BASE_URL no
longer orphans learners' records. A new database gets LMS_BASE_URL of this moment. An
existing one keeps the base its records already use: the homePage of the authority of
the platform's own statements (the most common one, if the address changed before);
records written under the platform's other bases (any authority homePage of the platform
or of its LRS credentials, and LMS_BASE_URL of this moment) are moved to it.

Revision ID: 0014_platform_identity
Revises: 0011_xapi_actors
Create Date: 2026-12-03 10:00:00

"""
import json
import logging
import time
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects.postgresql import JSONB

from lms.config import parse_address


# revision identifiers, used by Alembic.
revision = '0014_platform_identity'
down_revision = "0015_credential_grants"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

# Statements (with their index rows) and evidence are moved a range of ids at a time, so
# that no single SQL statement rewrites a whole large store.
BATCH = 20_000

Json = sa.JSON().with_variant(JSONB(), "postgresql")
STATEMENTS = sa.table("xapi_statement", sa.column("seq", sa.BigInteger), sa.column("data", Json))


def upgrade():
    op.create_table('platform_identity',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('iri', sa.String(length=255), nullable=False),
    sa.Column('fixed_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_platform_identity_one_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_platform_identity'))
    )
    bind = op.get_bind()
    found = bases_in_use(bind)
    try:
        address = parse_address(current_app.config['LMS_BASE_URL'])
    except ValueError as error:
        if not found:  # the identity would be this address, for good
            raise ValueError(f"LMS_BASE_URL: {error}") from None
        address = None
    # The base of most of the platform's own statements; without any, of most statements
    # it stamped for its LRS credentials; the latest used breaks a tie.
    identity = max((own, stamped, last, base) for base, (own, stamped, last) in found.items())[3] if found else address
    bind.execute(sa.text("INSERT INTO platform_identity (id, iri, fixed_at) VALUES (1, :iri, :now)"),
                 {"iri": identity, "now": datetime.now(timezone.utc).replace(tzinfo=None)})
    others = sorted((set(found) | ({address} if address else set())) - {identity})
    if found.keys() - {identity}:
        log.info("Platform identity: %s; moving the records written under %s", identity, ", ".join(others))
    else:
        log.info("Platform identity: %s", identity)
    bases = [identity, *others]
    undo_links_to_platform_accounts(bind, bases)
    for base in others:
        move(bind, base, identity)


def downgrade():
    # Records stay where the upgrade moved them: under the identity, which is the address
    # they were written under or one the platform was served at.
    op.drop_table('platform_identity')


# Which bases are the platform's --------------------------------------------------------------

def bases_in_use(bind) -> dict[str, tuple[int, int, int]]:
    """{base: (statements the platform stored as itself under it, statements it stamped
    under it in all, the last seq stamped under it)} for every base the platform stamped
    as a statement's authority: its own ("lms") and its LRS credentials'
    ("credential/<key>"). Only the authority counts: the LRS sets it, so no statement sent
    from outside can make a base look like the platform's (its actor, a context agent or
    an activity id could name any base). One pass over the statements."""
    data = STATEMENTS.c.data
    stamped = sa.select(STATEMENTS.c.seq, data[("authority", "account", "homePage")].as_string().label("home"),
                        data[("authority", "account", "name")].as_string().label("name")).subquery()
    own = sa.case((stamped.c.name == "lms", 1), else_=0)
    rows = bind.execute(sa.select(stamped.c.home, sa.func.sum(own), sa.func.count(), sa.func.max(stamped.c.seq))
                        .where(sa.or_(stamped.c.name == "lms", stamped.c.name.startswith("credential/")))
                        .group_by(stamped.c.home))
    # An address, never a fragment of one: a base must not match inside other IRIs.
    return {home: (int(mine or 0), int(count), last) for home, mine, count, last in rows if home and "://" in home}


# Moving records from one base to another -----------------------------------------------------

def move(bind, old: str, new: str) -> dict[str, float]:
    """Every record written under ``old`` is rewritten under ``new``; rows that become the
    same as one already there are merged. Returns the seconds each step took."""
    account_old, account_new = f"account:{old}|", f"account:{new}|"
    iri_old, iri_new = f"{old}/xapi/", f"{new}/xapi/"
    if account_old.startswith(account_new) or account_new.startswith(account_old) \
            or iri_old.startswith(iri_new) or iri_new.startswith(iri_old):
        log.warning("Not moving records from %s to %s: one is a prefix of the other", old, new)
        return {}
    keys = Rename(account_old, account_new)
    iris = Rename(iri_old, iri_new)
    took = {}
    started = time.perf_counter()
    move_statements(bind, old, new, keys, iris)
    took["statements and their index rows"] = time.perf_counter() - started

    started = time.perf_counter()
    for low, high in id_ranges(bind, "competence_evidence", "id"):
        bind.execute(sa.text(
            f"UPDATE competence_evidence SET actor_key = {keys.sql('actor_key')}, activity_id = {iris.sql('activity_id')}"
            f" WHERE id >= :low AND id < :high AND ({keys.match('actor_key')} OR {iris.match('activity_id')})"),
            {**keys.params, **iris.params, "low": low, "high": high})
    took["evidence"] = time.perf_counter() - started

    started = time.perf_counter()
    # Merged: the first statement of either; the higher level and all the evidence; the
    # later answers; the statements of a day under both.
    rekey(bind, "xapi_actor", "actor_key", keys, (),
          {"first_seq": "CASE WHEN o.first_seq < t.first_seq THEN o.first_seq ELSE t.first_seq END"})
    rekey(bind, "learner_competence", "actor_key", keys, ("competence_id",), {
        "level": "CASE WHEN o.rank > t.rank THEN o.level ELSE t.level END",
        "rank": "CASE WHEN o.rank > t.rank THEN o.rank ELSE t.rank END",
        "evidence_count": "t.evidence_count + o.evidence_count",
        "updated_at": "CASE WHEN o.updated_at > t.updated_at THEN o.updated_at ELSE t.updated_at END"})
    rekey(bind, "self_assessment", "actor_key", keys, ("competence_id",),
          {"level": "o.level", "rank": "o.rank", "assessed_at": "o.assessed_at"}, newer="o.assessed_at > t.assessed_at")
    rekey(bind, "self_assessment_answer", "actor_key", keys, ("statement_code",),
          {"competence_id": "o.competence_id", "value": "o.value", "answered_at": "o.answered_at"},
          newer="o.answered_at > t.answered_at")
    rekey(bind, "learner_active_day", "actor_key", keys, ("day",), {"statements": "t.statements + o.statements"})
    bind.execute(sa.text(f"UPDATE xapi_actor_link SET learner_key = {keys.sql('learner_key')}"
                         f" WHERE {keys.match('learner_key')}"), keys.params)
    # Documents: the newer of two for the same key; activity definitions and competence
    # mappings: the one written under the identity (by the latest statements, the latest
    # course import).
    document = {"content_type": "o.content_type", "content": "o.content", "etag": "o.etag", "updated": "o.updated"}
    rekey(bind, "xapi_document", "agent_key", keys, ("kind", "activity_id", "registration", "document_id"),
          document, newer="o.updated > t.updated")
    rekey(bind, "xapi_document", "activity_id", iris, ("kind", "agent_key", "registration", "document_id"),
          document, newer="o.updated > t.updated")
    rekey(bind, "xapi_activity", "activity_id", iris, (), {})
    rekey(bind, "activity_competence", "activity_id", iris, ("competence_id",), {})
    took["learners' other rows, documents, definitions, mappings"] = time.perf_counter() - started
    return took


class Rename:
    """SQL that replaces the prefix ``old`` of a column's value with ``new`` (and tells
    whether a value starts with ``old``), compared exactly, whatever LIKE would do with
    case or wildcards."""

    count = 0

    def __init__(self, old: str, new: str) -> None:
        Rename.count += 1
        self.name = f"r{Rename.count}"
        self.old, self.new = old, new
        self.params = {f"{self.name}_old": old, f"{self.name}_new": new,
                       f"{self.name}_len": len(old), f"{self.name}_cut": len(old) + 1}

    def match(self, column: str) -> str:
        return f"substr({column}, 1, :{self.name}_len) = :{self.name}_old"

    def sql(self, column: str) -> str:
        return (f"CASE WHEN {self.match(column)} THEN :{self.name}_new || substr({column}, :{self.name}_cut)"
                f" ELSE {column} END")

    def moved(self, column: str) -> str:
        """The value ``column`` (known to start with ``old``) takes."""
        return f":{self.name}_new || substr({column}, :{self.name}_cut)"


def id_ranges(bind, table: str, column: str):
    low, high = bind.execute(sa.text(f"SELECT min({column}), max({column}) FROM {table}")).one()
    if low is None:
        return
    while low <= high:
        yield low, low + BATCH
        low += BATCH


def move_statements(bind, old: str, new: str, keys: Rename, iris: Rename) -> None:
    """The statements' JSON, actor and activity columns, and their agent and activity index
    rows, a range of seqs at a time.

    In the JSON the platform's IRIs are whole string values: a homePage is exactly the
    base, every other IRI starts with ``<base>/xapi/``. Both are replaced as JSON text,
    opening quote included, so a base inside some other string (a learner's answer that
    quotes a URL) is left alone unless that string starts with it. Escaped quotes inside
    strings are set aside first (as a control character, which JSON text never holds
    unescaped), so that a quoted URL inside a string does not look like a string's start."""
    postgresql = bind.dialect.name == "postgresql"
    # PostgreSQL prints jsonb with non-ASCII characters as they are; SQLAlchemy wrote
    # SQLite's JSON with json.dumps' escapes.
    quoted = (lambda text: json.dumps(text, ensure_ascii=not postgresql)[:-1])  # noqa: E731
    replacements = {"base": quoted(old), "home_old": quoted(old) + '"', "home_new": quoted(new) + '"',
                    "iri_old": quoted(old) + '/xapi/', "iri_new": quoted(new) + '/xapi/',
                    "escaped": '\\"', "aside": "\x01"}
    text = "CAST(data AS text)" if postgresql else "data"
    find = "strpos" if postgresql else "instr"
    rewritten = (f"replace(replace(replace(replace({text}, :escaped, :aside), :home_old, :home_new),"
                 f" :iri_old, :iri_new), :aside, :escaped)")
    if postgresql:
        rewritten = f"CAST({rewritten} AS jsonb)"
    update = sa.text(
        f"UPDATE xapi_statement SET data = {rewritten}, actor_key = {keys.sql('actor_key')},"
        f" activity_id = {iris.sql('activity_id')}"
        # One search for what both start with: each look at a row's JSON text costs.
        f" WHERE seq >= :low AND seq < :high AND {find}({text}, :base) > 0")
    params = {**replacements, **keys.params, **iris.params}
    ranges = list(id_ranges(bind, "xapi_statement", "seq"))
    for number, (low, high) in enumerate(ranges, 1):
        bounds = {"low": low, "high": high}
        bind.execute(update, {**params, **bounds})
        for table, column, rename in (("xapi_statement_agent", "agent_key", keys),
                                      ("xapi_statement_activity", "activity_id", iris)):
            # A statement that named the same agent or activity under both bases keeps one row.
            bind.execute(sa.text(
                f"DELETE FROM {table} WHERE seq >= :low AND seq < :high AND {rename.match(column)}"
                f" AND EXISTS (SELECT 1 FROM {table} AS t WHERE t.seq = {table}.seq"
                f" AND t.{column} = {rename.moved(f'{table}.{column}')})"), {**rename.params, **bounds})
            bind.execute(sa.text(
                f"UPDATE {table} SET {column} = {rename.moved(column)}"
                f" WHERE seq >= :low AND seq < :high AND {rename.match(column)}"), {**rename.params, **bounds})
        if number % 50 == 0:
            log.info("  statements up to seq %s of %s moved", high, ranges[-1][1])


def rekey(bind, table: str, column: str, rename: Rename, others: tuple[str, ...], merge: dict[str, str],
          newer: str | None = None) -> None:
    """Rows whose ``column`` starts with the old prefix take the new one. Where a row with
    the new value (and the same ``others``) is already there, the two become one: the
    kept row ``t`` takes ``merge``'s values, computed from it and the moved row ``o``
    (only where ``newer`` holds, if given), and the moved row goes."""
    params = {**rename.params, f"{rename.name}_new_len": len(rename.new), f"{rename.name}_new_cut": len(rename.new) + 1}
    pair = " AND ".join([f"o.{column} = :{rename.name}_old || substr(t.{column}, :{rename.name}_new_cut)"]
                        + [f"o.{other} = t.{other}" for other in others])
    if merge:
        assignments = ", ".join(f"{name} = (SELECT {value} FROM {table} AS o WHERE {pair})"
                                for name, value in merge.items())
        condition = f"{pair} AND {newer}" if newer else pair
        # UPDATE ... AS t: PostgreSQL and SQLite both take an alias for the updated table.
        bind.execute(sa.text(
            f"UPDATE {table} AS t SET {assignments}"
            f" WHERE substr(t.{column}, 1, :{rename.name}_new_len) = :{rename.name}_new"
            f" AND EXISTS (SELECT 1 FROM {table} AS o WHERE {condition})"), params)
    pair_from_old = " AND ".join([f"t.{column} = {rename.moved(f'o.{column}')}"]
                                 + [f"t.{other} = o.{other}" for other in others])
    bind.execute(sa.text(
        f"DELETE FROM {table} AS o WHERE {rename.match(f'o.{column}')}"
        f" AND EXISTS (SELECT 1 FROM {table} AS t WHERE {pair_from_old})"), params)
    bind.execute(sa.text(f"UPDATE {table} SET {column} = {rename.moved(column)} WHERE {rename.match(column)}"), params)


# Links from platform accounts ----------------------------------------------------------------

def undo_links_to_platform_accounts(bind, bases: list[str]) -> None:
    """An admin may have linked a learner's account under an earlier base (orphaned by a
    change of address) to a learner, to get the records back. Once moved, that account is
    a platform account again, whose statements are its own: the link goes, and so does the
    evidence it gave the learner (which the moved account's own evidence would repeat),
    with the learner's levels recomputed from what evidence remains."""
    links = bind.execute(sa.text("SELECT actor_key, learner_key FROM xapi_actor_link")).all()
    prefixes = tuple(f"account:{base}|" for base in bases)
    for actor_key, learner_key in links:
        if not actor_key.startswith(prefixes):
            continue
        given = ("FROM competence_evidence WHERE actor_key = :learner AND withdrawn = :no"
                 " AND statement_seq IN (SELECT seq FROM xapi_statement WHERE actor_key = :actor)")
        keys = {"learner": learner_key, "actor": actor_key, "no": False}
        competences = [row[0] for row in bind.execute(sa.text(f"SELECT DISTINCT competence_id {given}"), keys)]
        bind.execute(sa.text(
            "UPDATE competence_evidence SET withdrawn = :yes WHERE actor_key = :learner AND withdrawn = :no"
            " AND statement_seq IN (SELECT seq FROM xapi_statement WHERE actor_key = :actor)"), {**keys, "yes": True})
        for competence_id in competences:
            recompute_level(bind, learner_key, competence_id)
        bind.execute(sa.text("DELETE FROM xapi_actor_link WHERE actor_key = :actor"), {"actor": actor_key})


def recompute_level(bind, actor_key: str, competence_id: int) -> None:
    """A learner's level in a competence from their evidence that stands and counts
    (0016_evidence_kinds), as the competence listener recomputes it when evidence is withdrawn."""
    evidence = ("FROM competence_evidence e WHERE e.actor_key = :actor AND e.competence_id = :competence"
                " AND e.withdrawn = :no AND e.counted = :yes")
    keys = {"actor": actor_key, "competence": competence_id, "no": False, "yes": True}
    best = bind.execute(sa.text(f"SELECT e.level, e.rank {evidence} ORDER BY e.rank DESC, e.id LIMIT 1"), keys).first()
    if best is None:
        bind.execute(sa.text("DELETE FROM learner_competence WHERE actor_key = :actor AND competence_id = :competence"),
                     keys)
        return
    count = bind.execute(sa.text(f"SELECT count(*) {evidence}"), keys).scalar()
    bind.execute(sa.text(
        "UPDATE learner_competence SET level = :level, rank = :rank, evidence_count = :count, updated_at = :now"
        " WHERE actor_key = :actor AND competence_id = :competence"),
        {**keys, "level": best.level, "rank": best.rank, "count": count,
         "now": datetime.now(timezone.utc).replace(tzinfo=None)})
