"""Offline extractor throughput on the Reuters-21578 collection, single-threaded.

Usage: python bench/speed.py [LIMIT] [--profile]
Prints documents per second (the pipeline budget asks for >= 300 docs/s here).
"""
import html
import re
import sys
import time
from datetime import datetime
from pathlib import Path

from factbook.extract.offline import OfflineExtractor
from factbook.models import Context, Document, DocumentKind

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "reuters21578"
_DOC = re.compile(r"<REUTERS.*?</REUTERS>", re.S)


def field(block: str, tag: str) -> str:
    m = re.search(rf"<{tag}>(.*?)</{tag}>", block, re.S)
    return html.unescape(m.group(1)).strip() if m else ""


def documents(limit: int | None = None) -> list[Document]:
    """The collection's stories as the wire wrote them: headline, date, body."""
    docs: list[Document] = []
    for path in sorted(DATA.glob("*.sgm")):
        for block in _DOC.findall(path.read_text(encoding="latin-1")):
            title, body = field(block, "TITLE"), field(block, "BODY")
            when = datetime.strptime(field(block, "DATE").split()[0], "%d-%b-%Y").date()
            text = f"{title}\n{when.isoformat()}\n\n{body}"
            docs.append(Document(path=f"{path.name}#{len(docs)}", sha256=str(len(docs)),
                                 kind=DocumentKind.ARTICLE, title=title or "untitled",
                                 text=text, date=when))
            if limit and len(docs) >= limit:
                return docs
    return docs


def main() -> None:
    limit = next((int(a) for a in sys.argv[1:] if a.isdigit()), None)
    docs = documents(limit)
    extractor, context = OfflineExtractor(), Context()
    extractor.extract(docs[0], context)  # warm the place list
    started, cpu = time.perf_counter(), time.process_time()
    facts = mentions = 0
    for doc in docs:
        result = extractor.extract(doc, context)
        facts += len(result.facts)
        mentions += len(result.mentions)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    # CPU time is the fair figure on a shared machine; wall time is printed too.
    print(f"{len(docs)} docs: {len(docs) / cpu:.0f} docs/s of CPU time ({cpu:.1f}s), "
          f"{len(docs) / elapsed:.0f} docs/s wall ({elapsed:.1f}s); {mentions} mentions, {facts} facts")


if __name__ == "__main__":
    if "--profile" in sys.argv:
        import cProfile
        import pstats
        cProfile.run("main()", "/tmp/factbook-speed.prof")
        pstats.Stats("/tmp/factbook-speed.prof").sort_stats("cumulative").print_stats(25)
    else:
        main()
