"""Reading inputs: opening files or ``-`` (stdin), decompression and hashing (:mod:`kwo.io.open`),
and ``.zip`` inputs whose members are inputs of their own (:mod:`kwo.io.zip`).

The names the rest of kwo uses are re-exported here; tuning constants stay in their modules.
"""

from __future__ import annotations

from .open import OpenedInput, compression_of, expansion_note, file_sha256, open_input
from .zip import ZIP_MAGIC, Member, expand_inputs, is_zip, member_sha256, members, open_member

__all__ = [
    "ZIP_MAGIC",
    "Member",
    "OpenedInput",
    "compression_of",
    "expand_inputs",
    "expansion_note",
    "file_sha256",
    "is_zip",
    "member_sha256",
    "members",
    "open_input",
    "open_member",
]
