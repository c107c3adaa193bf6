"""The pre-image check: a note is replaced only while it still holds what factbook read.

Every staged note write carries the hash (and text) of the note as it was read when
factbook merged it. Just before the rename, the note is read again: unchanged, the
staged text goes in as it is; changed (the person saved it meanwhile, or after a
crash and before the roll-forward), the person's newer text is merged with factbook's
by a three-way merge on lines (`merge3`): the person's additions, edits and deletions
since the read are kept, and factbook's own changes are laid around them. Where both
changed the same lines, the person's lines are kept and factbook's are added only
where they are not already there (a block id the person's lines carry is theirs).
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import merge3

from factbook.vault.ownership import block_id_of

ABSENT = ""  # the pre-image hash of a note that did not exist


def pre_hash(data: bytes | None) -> str:
    """The pre-image hash of a note's bytes (ABSENT for no file)."""
    return ABSENT if data is None else hashlib.sha256(data).hexdigest()


def read_bytes(path: Path) -> bytes | None:
    """A file's bytes, None when there is none."""
    try:
        return path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None


def merge_newer(pre: str | None, ours: str, theirs: str) -> str:
    """Factbook's `ours` (made from `pre`) merged with the person's newer `theirs`."""
    base_lines = (pre or "").splitlines(keepends=True)
    out: list[str] = []
    for group in merge3.Merge3(base_lines, _lines(ours), _lines(theirs)).merge_groups():
        kind = group[0]
        if kind == "conflict":
            _, _base, mine, yours = group
            out.extend(_resolved(mine, yours))
        else:
            out.extend(group[1])
    text = "".join(out)
    return text


def _lines(text: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n"  # so a last line without a newline never runs into the next
    return lines


def _resolved(mine: list[str], yours: list[str]) -> list[str]:
    """Both changed the same lines: the person's lines, then factbook's that are new."""
    theirs_set = set(yours)
    their_ids = {block_id_of(line.rstrip("\r\n")) for line in yours} - {None}
    extra = [line for line in mine if line not in theirs_set
             and block_id_of(line.rstrip("\r\n")) not in their_ids]
    return list(yours) + extra


def replace_checked(tmp: Path, target: Path, pre: str, pre_text: str | None) -> bool:
    """Rename `tmp` over `target` if `target` still has the pre-image `pre`; otherwise
    merge the staged text with the newer note and write that. A note that is a symlink
    is written through (the link stays). Returns True when a merge was needed."""
    real = Path(os.path.realpath(target)) if target.is_symlink() else target
    merged = False
    for _attempt in range(5):
        current = read_bytes(real)
        if current is None or pre_hash(current) == pre:
            break
        try:
            theirs = current.decode("utf-8")
        except UnicodeDecodeError:
            tmp.unlink(missing_ok=True)  # no longer a text note of ours: leave it as it is
            return True
        ours = tmp.read_bytes().decode("utf-8")
        tmp.write_bytes(merge_newer(pre_text, ours, theirs).encode("utf-8"))
        pre, pre_text, merged = pre_hash(current), theirs, True
    if real is not target:
        staged = tmp.read_bytes()
        local = real.with_name(tmp.name)
        local.write_bytes(staged)
        os.replace(local, real)
        tmp.unlink(missing_ok=True)
    else:
        os.replace(tmp, target)
    return merged
