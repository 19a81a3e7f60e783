"""Trusted documents: the manifest of the only documents this server runs.

PARLEY_TRUSTED_DOCUMENTS names the manifest: a JSON object mapping a document
id to its text, which is what GraphQL Code Generator's client preset writes
(persisted-documents.json, keys are sha256 hashes) and what Relay's compiler
writes (persisted_queries.json, keys are its own ids, md5 by default). It is
read once at start-up: every document is parsed and validated against the
schema with the operation limits and pinned (`schema.execution.documents`); a
manifest that is missing, is not such a JSON object, or holds a document that
does not validate stops start-up with `ManifestError`, naming the document id
and the problem.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from parley.schema.execution.documents import Documents, InvalidDocument


class ManifestError(Exception):
    """The trusted-documents manifest cannot be used; the message says which part and why."""


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class TrustedDocuments:
    """The manifest's documents, by id, by the sha256 of their text, and by text."""

    def __init__(self, by_id: dict[str, str]) -> None:
        self.by_id = by_id
        self.by_sha256 = {sha256_hex(text): text for text in by_id.values()}
        self.texts = frozenset(by_id.values())

    @classmethod
    def load(cls, path: Path, documents: Documents) -> TrustedDocuments:
        """Read, check and pin the manifest at `path`; ManifestError when it is unusable."""
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ManifestError(
                f"Trusted documents manifest {path}: cannot read it ({exc})"
            ) from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise ManifestError(f"Trusted documents manifest {path}: not JSON ({exc})") from exc
        if not isinstance(manifest, dict) or not manifest:
            raise ManifestError(
                f"Trusted documents manifest {path}: expected a JSON object mapping each "
                "document id to its text"
            )
        for document_id, text in manifest.items():
            if not isinstance(text, str):
                raise ManifestError(
                    f"Trusted documents manifest {path}: document {document_id!r} is not a string"
                )
            try:
                documents.pin(text)
            except InvalidDocument as exc:
                raise ManifestError(
                    f"Trusted documents manifest {path}: document {document_id!r} is invalid: {exc}"
                ) from exc
        return cls(manifest)

    def find(self, document_id: str) -> str | None:
        """The text of a document named by its manifest id or by its text's sha256."""
        text = self.by_id.get(document_id)
        if text is None:
            text = self.by_sha256.get(document_id.removeprefix("sha256:"))
        return text
