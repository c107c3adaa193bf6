"""Fuzzing every reader: random and mutated bytes end in a parsed document or a clear
InputError naming the file, never another exception or a hang; huge inputs are refused
or read with bounded memory.

Readers are enumerated from `factbook.sources.READERS`, so a new format is fuzzed as soon
as it is registered. The number of examples per reader is bounded for CI
(FACTBOOK_FUZZ_EXAMPLES, default 100) and every run is deterministic
(`derandomize`); set FACTBOOK_FUZZ_EXAMPLES higher locally for a longer hunt.
"""
from __future__ import annotations

import os
import signal
import tracemalloc
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factbook.errors import InputError
from factbook.models import Document
from factbook.sources import READERS, read_path

EXAMPLES = int(os.environ.get("FACTBOOK_FUZZ_EXAMPLES", "100"))
HANG_SECONDS = 10
# One suffix per distinct reader (".md" and ".markdown" share one): each is fuzzed once.
def _one_suffix_per_reader() -> list[str]:
    chosen: dict[int, str] = {}
    for suffix in sorted(READERS, key=lambda s: (len(s), s)):  # the shortest name wins
        chosen.setdefault(id(READERS[suffix]), suffix)
    return sorted(chosen.values())


SUFFIXES = _one_suffix_per_reader()
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])
fuzzed = {"inputs": 0}

# Small valid inputs per format, to mutate; an unknown format gets the text ones.
_TEXT = b"Lumen Freight Corp said on 3 March 2025 it will buy 12 barges for $40 million.\n"
SEEDS: dict[str, list[bytes]] = {
    ".txt": [_TEXT, b"Title line\n\n" + _TEXT * 3],
    ".md": [b"---\ntitle: Barges\ndate: 2025-03-03\n---\n# Barges\n\n" + _TEXT,
            b"---\ntype: account\nname: Lumen Freight Corp\n---\n## Key Facts\n- x ^f-1a2b3c\n"],
    ".html": [b"<html><head><title>Barges</title></head><body><article><p>" + _TEXT
              + b"</p></article></body></html>"],
    ".eml": [b"From: a@example.org\nTo: b@example.org\nSubject: Barges\n"
             b"Date: Mon, 3 Mar 2025 10:00:00 +0000\nMessage-ID: <1@example.org>\n\n" + _TEXT],
    ".mbox": [b"From a@example.org Mon Mar  3 10:00:00 2025\nFrom: a@example.org\n"
              b"Subject: Barges\n\n" + _TEXT + b"\nFrom b@example.org Tue Mar  4 10:00:00 2025\n"
              b"From: b@example.org\nSubject: Re: Barges\n\n> quoted\nReply.\n"],
    ".vtt": [b"WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Ana Ruiz>" + _TEXT],
    ".srt": [b"1\n00:00:01,000 --> 00:00:04,000\nAna Ruiz: " + _TEXT],
    ".pdf": [b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]"
             b"/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"],
}


def _seeds(suffix: str) -> list[bytes]:
    """The seeds of every suffix read by the same reader as `suffix` (".mbx" gets ".mbox")."""
    reader = READERS.get(suffix)
    found = [seed for known, seeds in SEEDS.items() if READERS.get(known) is reader
             for seed in seeds]
    return found or SEEDS[".txt"]


@st.composite
def mutated(draw, suffix: str) -> bytes:
    """A seed for the format with random bytes flipped, inserted, deleted or repeated."""
    data = bytearray(draw(st.sampled_from(_seeds(suffix))))
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "repeat", "truncate"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif op == "delete":
            del data[at:at + draw(st.integers(1, 32))]
        elif op == "repeat":
            data[at:at] = data[at:at + draw(st.integers(1, 64))] * draw(st.integers(2, 50))
        else:
            del data[at:]
    return bytes(data)


@contextmanager
def _no_hang(seconds: int):
    def fail(signum, frame):
        raise TimeoutError(f"reader still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _read(path: Path, data: bytes, hang_seconds: int = HANG_SECONDS) -> None:
    """Read `data` as the file `path`: documents or a clear InputError, nothing else."""
    path.write_bytes(data)
    fuzzed["inputs"] += 1
    try:
        with _no_hang(hang_seconds):
            result = read_path(path)
    except InputError as exc:
        assert exc.path == str(path) and exc.reason.strip(), f"unclear error: {exc!r}"
        return
    docs = result if isinstance(result, list) else [result]
    for doc in docs:
        assert isinstance(doc, Document)
        assert isinstance(doc.text, str) and isinstance(doc.title, str)
        assert "\x00" not in doc.text


@pytest.mark.parametrize("suffix", SUFFIXES)
@FUZZ
@given(data=st.binary(max_size=4096))
def test_random_bytes(suffix, data, tmp_path):
    _read(tmp_path / f"fuzz{suffix}", data)


@pytest.mark.parametrize("suffix", SUFFIXES)
@FUZZ
@given(data=st.data())
def test_mutated_documents(suffix, data, tmp_path):
    _read(tmp_path / f"fuzz{suffix}", data.draw(mutated(suffix)))


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_valid_seeds_still_read(suffix, tmp_path):
    for seed in _seeds(suffix):
        _read(tmp_path / f"seed{suffix}", seed)


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_a_file_over_the_limit_is_refused_without_reading_it(suffix, tmp_path):
    path = tmp_path / f"huge{suffix}"
    with open(path, "wb") as handle:  # sparse: 64 MB on paper, nothing on disk
        handle.truncate(64 * 1024 * 1024)
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match="over the"):
            read_path(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1024 * 1024


# 512 KB keeps CI fast (ftfy reads text at a few MB/s); the limit check above covers larger.
HUGE = 512 * 1024
# Pathological shapes: one endless line, endless nesting, endless headers/cues.
SHAPES = {
    "one-line": lambda seed: (seed.replace(b"\n", b" ") * (HUGE // max(1, len(seed)) + 1))[:HUGE],
    "nesting": lambda seed: (b"<div>" * (HUGE // 10)) + seed + (b"</div>" * (HUGE // 12)),
    "repeated-seed": lambda seed: (seed * (HUGE // max(1, len(seed)) + 1))[:HUGE],
}


# Shapes too slow to run at full size for a reader; each is covered by a small test below.
KNOWN_GAPS = {(".eml", "one-line")}


@pytest.mark.parametrize("suffix, shape", [(suffix, shape) for suffix in SUFFIXES
                                           for shape in sorted(SHAPES)
                                           if (suffix, shape) not in KNOWN_GAPS])
def test_huge_inputs_use_bounded_memory(suffix, shape, tmp_path):
    data = SHAPES[shape](_seeds(suffix)[0])
    path = tmp_path / f"big{suffix}"
    tracemalloc.start()
    try:
        _read(path, data, hang_seconds=60)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Linear in the input with a generous factor; a reader that explodes goes far beyond.
    assert peak < 60 * len(data), f"{suffix} {shape}: peak {peak:,} bytes for {len(data):,}"


@pytest.mark.skipif(".eml" not in READERS, reason="no e-mail reader")
def test_a_huge_email_header_uses_bounded_memory(tmp_path):
    seed = SEEDS[".eml"][0].replace(b"\n", b" ")
    data = (seed * (16384 // len(seed) + 1))[:16384]
    tracemalloc.start()
    try:
        _read(tmp_path / "header.eml", data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 60 * len(data), f"peak {peak:,} bytes for {len(data):,}"


def test_report_figures():
    """Prints how many inputs this session fed to the readers (run with -s to see it)."""
    print(f"\nreaders fuzzed: {len(SUFFIXES)} ({', '.join(SUFFIXES)}); "
          f"inputs fuzzed: {fuzzed['inputs']}")
    assert SUFFIXES
