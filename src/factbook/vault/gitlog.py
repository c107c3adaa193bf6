"""The audit trail: one git commit per run in a vault that is a git repository.

Only the notes the run wrote are committed (whatever else the person has staged
or changed is left alone), with a message summing up the run, so every run can
be reviewed with `git show` and undone with `git revert`. The git command line is
used as is; a vault that is not a repository gets a clear note, never an error.
"""
from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# A run's commit should not wait on a slow hook or a stuck credential prompt.
_TIMEOUT = 60
_LISTED = 20


def is_repository(root: Path) -> bool:
    """True when `root` is inside a git work tree (and git is installed)."""
    if shutil.which("git") is None:
        return False
    done = _git(root, "rev-parse", "--is-inside-work-tree", check=False)
    return done.returncode == 0 and done.stdout.strip() == "true"


def commit_run(root: Path, paths: list[str], message: str) -> str:
    """Commit `paths` (vault-relative) with `message`; returns one line saying what happened."""
    if shutil.which("git") is None:
        return "no commit: git is not installed"
    if not is_repository(root):
        return "no commit: the vault is not a git repository (run `git init` in it to keep one)"
    paths = _not_ignored(root, sorted(set(paths)))
    if not paths:
        return "no commit: the run changed no tracked note"
    spec = "\0".join(paths) + "\0"
    try:
        _git(root, "add", "--pathspec-from-file=-", "--pathspec-file-nul", stdin=spec)
        # --no-verify: the person's hooks are for their own commits; `-- paths` semantics
        # (commit only these) keep anything else they have staged out of the run's commit.
        _git(root, *_identity(root), "commit", "--quiet", "--no-verify", "-m", message,
             "--pathspec-from-file=-", "--pathspec-file-nul", stdin=spec)
        head = _git(root, "rev-parse", "--short", "HEAD").stdout.strip()
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        log.warning("git commit failed: %s", detail)
        return f"no commit: git failed ({detail.strip().splitlines()[-1] if detail.strip() else exc})"
    return f"committed {head} ({len(paths)} notes)"


def commit_message(report: Any) -> str:
    """A summary of a run (a `RunReport`) as a commit message: one line, then the sources."""
    title = (f"factbook run {report.run_id}: {len(report.new_sources)} new sources, "
             f"{report.facts_added} facts added, {report.facts_merged} merged, "
             f"{report.conflicts} conflicts")
    lines = [title, "", f"entities created: {report.entities_created}, "
             f"updated: {report.entities_updated}; review items: {report.review_items}"]
    sources = [*report.new_sources, *report.adopted_notes]
    if sources:
        lines += ["", "sources:"] + [f"- {Path(s).name}" for s in sources[:_LISTED]]
        if len(sources) > _LISTED:
            lines.append(f"- … and {len(sources) - _LISTED} more")
    if report.failures:
        lines += ["", f"failures: {len(report.failures)}"]
    return "\n".join(lines) + "\n"


def _not_ignored(root: Path, paths: list[str]) -> list[str]:
    """Drop paths the repository ignores (`git add` would refuse them)."""
    done = _git(root, "check-ignore", "--stdin", "-z", stdin="\0".join(paths) + "\0", check=False)
    ignored = {p for p in done.stdout.split("\0") if p}
    return [p for p in paths if p not in ignored]


def _identity(root: Path) -> list[str]:
    """A fallback author for a repository with no configured identity."""
    if _git(root, "config", "user.email", check=False).stdout.strip():
        return []
    return ["-c", "user.name=factbook", "-c", "user.email=factbook@localhost"]


def _git(root: Path, *args: str, stdin: str | None = None,
         check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(root), *args], input=stdin, capture_output=True,
                          text=True, check=check, timeout=_TIMEOUT)
