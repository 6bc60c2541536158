"""Statement attachments sent as multipart/mixed, and JWS signatures (RS256/384/512)."""

from __future__ import annotations

import base64
import email.parser
import email.policy
import hashlib
import json

import jwt
import sqlalchemy as sa
from cryptography import x509

from lms.extensions import db
from lms.xapi.models import CONTENT_TYPE_LENGTH, Attachment

SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"
ALGORITHMS = ("RS256", "RS384", "RS512")
HASHES = {64: hashlib.sha256, 96: hashlib.sha384, 128: hashlib.sha512, 56: hashlib.sha224}


class AttachmentError(ValueError):
    pass


def parse_multipart(content_type: str, body: bytes) -> tuple[bytes, dict[str, tuple[str, bytes]]]:
    """(the statements' JSON, {sha2: (content type, data)}) from a multipart/mixed body."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    if not message.is_multipart():
        raise AttachmentError("The multipart/mixed body has no parts (is the boundary right?).")
    parts = list(message.iter_parts())
    if not parts:
        raise AttachmentError("The multipart/mixed body has no parts.")
    first = parts[0]
    if first.get_content_type() != "application/json":
        raise AttachmentError("The first part of a multipart request must be application/json statements.")
    statements = first.get_payload(decode=True) or b""
    data: dict[str, tuple[str, bytes]] = {}
    for index, part in enumerate(parts[1:], start=2):
        digest = part.get("X-Experience-API-Hash")
        if not digest:
            raise AttachmentError(f"Part {index} has no X-Experience-API-Hash header.")
        if (part.get("Content-Transfer-Encoding") or "binary").lower() != "binary":
            raise AttachmentError(f"Part {index} must use Content-Transfer-Encoding: binary.")
        payload = part.get_payload(decode=True) or b""
        content_type = part.get_content_type()
        if len(content_type) > CONTENT_TYPE_LENGTH:
            raise AttachmentError(f"Part {index}'s Content-Type is {len(content_type)} characters long, "
                                  f"more than the {CONTENT_TYPE_LENGTH} this LRS keeps.")
        data[digest.strip().lower()] = (content_type, payload)
    return statements, data


def _declared(statements: list[dict]):
    for statement in statements:
        for attachment in statement.get("attachments") or []:
            yield statement, attachment
        target = statement.get("object", {})
        if isinstance(target, dict) and target.get("objectType") == "SubStatement":
            for attachment in target.get("attachments") or []:
                yield statement, attachment


def check(statements: list[dict], parts: dict[str, tuple[str, bytes]]) -> None:
    """Every attachment without a fileUrl has its part; every part is declared; hashes and
    signatures are right."""
    declared = set()
    for statement, attachment in _declared(statements):
        sha2 = str(attachment.get("sha2", "")).lower()
        declared.add(sha2)
        if sha2 not in parts:
            if "fileUrl" not in attachment or attachment.get("usageType") == SIGNATURE:
                raise AttachmentError(f"No part carries the attachment with sha2 {sha2}.")
            continue
        _, payload = parts[sha2]
        digest = HASHES.get(len(sha2))
        if digest is None or digest(payload).hexdigest() != sha2:
            raise AttachmentError(f"The part for sha2 {sha2} does not match its hash.")
        if attachment.get("usageType") == SIGNATURE:
            if attachment.get("contentType") != "application/octet-stream":
                raise AttachmentError("A signature attachment must have contentType application/octet-stream.")
            verify_signature(statement, payload)
    extra = set(parts) - declared
    if extra:
        raise AttachmentError(f"Part(s) {', '.join(sorted(extra))} belong to no attachment.")


def _without_lrs_fields(statement: dict) -> dict:
    out = {k: v for k, v in statement.items() if k not in ("attachments", "authority", "stored", "version", "id")}
    duration = out.get("result", {}).get("duration") if isinstance(out.get("result"), dict) else None
    if isinstance(duration, str):
        # Durations compare to 0.01 s: "PT1.2345S" and "PT1.23S" are the same.
        import re

        out["result"] = {**out["result"], "duration": re.sub(r"(\.\d{2})\d+S", r"\1S", duration)}
    return out


def verify_signature(statement: dict, token: bytes) -> None:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise AttachmentError(f"The signature is not a JWS: {error}") from None
    algorithm = header.get("alg")
    if algorithm not in ALGORITHMS:
        raise AttachmentError(f"A signature must use RS256, RS384 or RS512, not {algorithm}.")
    try:
        if header.get("x5c"):
            certificate = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
            payload = jwt.decode(token, certificate.public_key(), algorithms=[algorithm],
                                 options={"verify_aud": False, "verify_exp": False})
        else:
            payload = jwt.decode(token, options={"verify_signature": False})
    except (jwt.PyJWTError, ValueError) as error:
        raise AttachmentError(f"The signature does not verify: {error}") from None
    if not isinstance(payload, dict):
        raise AttachmentError("The signature's payload is not a statement.")
    signed, sent = _without_lrs_fields(payload), _without_lrs_fields(statement)
    if signed != sent:
        raise AttachmentError("The signed statement differs from the statement sent.")


def store(parts: dict[str, tuple[str, bytes]]) -> None:
    if not parts:
        return
    for sha2, (content_type, payload) in parts.items():
        if db.session.get(Attachment, sha2) is None:
            db.session.add(Attachment(sha2=sha2, content_type=content_type, content=payload))
    db.session.flush()


def for_statements(statements: list[dict]) -> list[Attachment]:
    wanted = {str(a.get("sha2", "")).lower() for _, a in _declared(statements)}
    if not wanted:
        return []
    return list(db.session.scalars(sa.select(Attachment).where(Attachment.sha2.in_(wanted))))


def multipart_response(body: dict | list, attachments: list[Attachment], boundary: str) -> bytes:
    chunks = [f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(),
              json.dumps(body, ensure_ascii=False).encode(), b"\r\n"]
    for attachment in attachments:
        chunks += [f"--{boundary}\r\nContent-Type: {attachment.content_type}\r\n"
                   f"Content-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {attachment.sha2}\r\n\r\n".encode(),
                   attachment.content, b"\r\n"]
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks)
