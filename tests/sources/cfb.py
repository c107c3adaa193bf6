"""A minimal writer of OLE compound files (MS-CFB, version 3), to make `.msg` test files.

Small streams go to the mini stream as the format requires; the directory is a chain
of right siblings (valid, if unbalanced). Only what the tests need: no DIFAT
sectors, so at most 109 FAT sectors (about 7 MB).
"""
from __future__ import annotations

import struct
from datetime import datetime, timezone

SECTOR, MINI, CUTOFF = 512, 64, 4096
FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def make_cfb(streams: dict[str, bytes]) -> bytes:
    """A compound file holding `streams` ("storage/stream" paths; storages implied)."""
    entries: list[dict] = [{"name": "Root Entry", "type": 5, "kids": []}]
    index: dict[str, int] = {"": 0}
    for path in sorted(streams):
        parts = path.split("/")
        for depth in range(1, len(parts) + 1):
            key = "/".join(parts[:depth])
            if key in index:
                continue
            is_stream = depth == len(parts)
            entries.append({"name": parts[depth - 1], "type": 2 if is_stream else 1, "kids": [],
                            "data": streams[path] if is_stream else b""})
            index[key] = len(entries) - 1
            entries[index["/".join(parts[:depth - 1])]]["kids"].append(index[key])
    fat: list[int] = []
    sectors: list[bytes] = []

    def allocate(data: bytes) -> int:
        if not data:
            return END
        count = (len(data) + SECTOR - 1) // SECTOR
        start = len(sectors)
        for n in range(count):
            sectors.append(data[n * SECTOR:(n + 1) * SECTOR].ljust(SECTOR, b"\0"))
            fat.append(start + n + 1 if n + 1 < count else END)
        return start

    mini, minifat = bytearray(), []
    for entry in entries[1:]:
        data = entry.get("data", b"")
        if entry["type"] == 2 and 0 < len(data) < CUTOFF:
            count = (len(data) + MINI - 1) // MINI
            entry["start"] = len(mini) // MINI
            minifat.extend(entry["start"] + n + 1 if n + 1 < count else END for n in range(count))
            mini += data.ljust(count * MINI, b"\0")
        elif entry["type"] == 2:
            entry["start"] = allocate(data)
    entries[0]["start"], entries[0]["size"] = allocate(bytes(mini)), len(mini)
    minifat_start = allocate(b"".join(struct.pack("<I", v) for v in minifat))
    directory = b"".join(_entry(e, entries) for e in entries)
    directory_start = allocate(directory.ljust(-(-len(directory) // SECTOR) * SECTOR, b"\0"))
    fat_count = 1
    while fat_count * (SECTOR // 4) < len(sectors) + fat_count:
        fat_count += 1
    fat_ids = list(range(len(sectors), len(sectors) + fat_count))
    fat.extend([FATSECT] * fat_count)
    table = b"".join(struct.pack("<I", v) for v in fat).ljust(fat_count * SECTOR, b"\xff")
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", bytes.fromhex("D0CF11E0A1B11AE1"), b"\0" * 16,
                         0x3E, 3, 0xFFFE, 9, 6, b"\0" * 6, 0, fat_count, directory_start, 0,
                         CUTOFF, minifat_start if minifat else END,
                         -(-len(minifat) * 4 // SECTOR), END, 0)
    header += b"".join(struct.pack("<I", fat_ids[n] if n < len(fat_ids) else FREE) for n in range(109))
    return header + b"".join(sectors) + table


def _entry(entry: dict, entries: list[dict]) -> bytes:
    name = entry["name"].encode("utf-16-le") + b"\0\0"
    kids = entry["kids"]
    for position, kid in enumerate(kids):  # siblings chained to the right
        entries[kid]["right"] = kids[position + 1] if position + 1 < len(kids) else NOSTREAM
    size = entry.get("size", len(entry.get("data", b"")))
    start = entry.get("start", END if entry["type"] != 1 else 0)
    return struct.pack("<64sHBBIII16sIQQIII", name.ljust(64, b"\0"), len(name), entry["type"], 1,
                       NOSTREAM, entry.get("right", NOSTREAM), kids[0] if kids else NOSTREAM,
                       b"\0" * 16, 0, 0, 0, start, size, 0)


def make_msg(subject: str, body: str, sender: tuple[str, str], to: list[tuple[str, str]],
             cc: list[tuple[str, str]] = (), sent: datetime | None = None,
             transport_headers: str = "") -> bytes:
    """An Outlook `.msg` with the MAPI properties factbook reads (PT_UNICODE strings, the
    recipients' storages, PR_CLIENT_SUBMIT_TIME)."""
    def text(value: str) -> bytes:
        return value.encode("utf-16-le")

    streams = {"__substg1.0_0037001F": text(subject), "__substg1.0_1000001F": text(body),
               "__substg1.0_0C1A001F": text(sender[0]), "__substg1.0_5D01001F": text(sender[1])}
    if transport_headers:
        streams["__substg1.0_007D001F"] = text(transport_headers)
    properties = b"\0" * 32
    if sent is not None:
        delta = sent.astimezone(timezone.utc) - datetime(1601, 1, 1, tzinfo=timezone.utc)
        ticks = (delta.days * 86400 + delta.seconds) * 10_000_000 + delta.microseconds * 10
        properties += struct.pack("<IIQ", (0x0039 << 16) | 0x0040, 2, ticks)
    streams["__properties_version1.0"] = properties
    for number, (people, kind) in enumerate([(p, 1) for p in to] + [(p, 2) for p in cc]):
        storage = f"__recip_version1.0_#{number:08X}"
        streams[f"{storage}/__substg1.0_3001001F"] = text(people[0])
        streams[f"{storage}/__substg1.0_39FE001F"] = text(people[1])
        streams[f"{storage}/__properties_version1.0"] = b"\0" * 8 + struct.pack(
            "<IIi4x", (0x0C15 << 16) | 0x0003, 2, kind)
    return make_cfb(streams)
