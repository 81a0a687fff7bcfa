"""The staff UI's assets, served under names that change with their content.

Each file in ``frontend/assets`` is read once, at start-up, and served at
``/assets/<stem>.<hash><suffix>`` (the hash: 12 hex digits of its SHA-256),
which browsers keep for a year without asking again (``immutable``): a new
build has new names, so it is fetched at once. Templates link the files
with ``asset_url``. A module's relative imports are rewritten to the
fingerprinted names before hashing, so nothing reached through a
fingerprinted URL can change. Text files are gzipped once for clients that
accept it (the 143 KB stylesheet travels as 16 KB); pages are never
compressed here, since their CSRF tokens would make them a BREACH target.

The plain names (``/assets/confide.css``) still answer, revalidated on each
use, because GOV.UK Frontend's compiled CSS builds its own ``/assets/...``
URLs.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

from litestar import Request, Response, Router, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

FOLDER = Path(__file__).parent / "assets"
FOREVER = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"

_MEDIA_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
}
_COMPRESSIBLE = frozenset({".css", ".js", ".mjs", ".svg", ".json", ".webmanifest"})
_MODULES = frozenset({".js", ".mjs"})
# import ... from './x.js', import './x.js', export ... from './x.js'
_RELATIVE_IMPORT = re.compile(r"""(\b(?:from|import)\s*)(["'])\./([^"'/]+)\2""")


@dataclass(frozen=True, slots=True)
class Asset:
    """One file as served: its bytes, their gzip, its type and its fingerprinted name."""

    body: bytes
    gzipped: bytes | None
    media_type: str
    digest: str
    fingerprinted: str


class AssetSet:
    """Every file under one folder, fingerprinted; looked up by URL name."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files = {
            path.relative_to(folder).as_posix(): path
            for path in sorted(folder.rglob("*"))
            if path.is_file() and path.suffix != ".py" and "__pycache__" not in path.parts
        }
        self.by_name: dict[str, Asset] = {}
        for name in self.files:
            self._load(name, ())
        self.by_url = {asset.fingerprinted: asset for asset in self.by_name.values()}

    def _load(self, name: str, importing: tuple[str, ...]) -> Asset:
        if name in self.by_name:
            return self.by_name[name]
        if name in importing:
            raise ValueError(f"assets import each other in a cycle: {' -> '.join(importing)}")
        path = PurePosixPath(name)
        body = self.files[name].read_bytes()
        if path.suffix in _MODULES:
            body = self._rewrite_imports(path, body, (*importing, name))
        digest = hashlib.sha256(body).hexdigest()
        compressed = gzip.compress(body, compresslevel=9, mtime=0)
        gzipped = (
            compressed if path.suffix in _COMPRESSIBLE and len(compressed) < len(body) else None
        )
        media_type = _MEDIA_TYPES.get(path.suffix) or (
            mimetypes.guess_type(name)[0] or "application/octet-stream"
        )
        fingerprinted = str(path.with_name(f"{path.stem}.{digest[:12]}{path.suffix}"))
        asset = Asset(body, gzipped, media_type, digest, fingerprinted)
        self.by_name[name] = asset
        return asset

    def _rewrite_imports(
        self, path: PurePosixPath, body: bytes, importing: tuple[str, ...]
    ) -> bytes:
        """``from './x.js'`` becomes ``from './x.<hash>.js'``: the import is fingerprinted too."""

        def fingerprint(match: re.Match[str]) -> str:
            target = str(path.parent / match.group(3)).removeprefix("./")
            if target not in self.files:
                return match.group(0)
            imported = PurePosixPath(self._load(target, importing).fingerprinted).name
            return f"{match.group(1)}{match.group(2)}./{imported}{match.group(2)}"

        return _RELATIVE_IMPORT.sub(fingerprint, body.decode("utf-8")).encode("utf-8")

    def url(self, name: str) -> str:
        """The fingerprinted URL of ``name`` (a path under the folder, e.g. ``confide.css``)."""
        return f"/assets/{self.by_name[name].fingerprinted}"

    def find(self, url_name: str) -> tuple[Asset, bool] | None:
        """The asset a URL names, and whether the URL is fingerprinted (kept for ever)."""
        if url_name in self.by_url:
            return self.by_url[url_name], True
        if url_name in self.by_name:
            return self.by_name[url_name], False
        return None


@cache
def assets() -> AssetSet:
    """The packaged assets, read and fingerprinted once per process."""
    return AssetSet(FOLDER)


def asset_url(name: str) -> str:
    """For templates: ``{{ asset_url('confide.css') }}``."""
    return assets().url(name)


def _accepts_gzip(header: str) -> bool:
    for part in header.split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in {"gzip", "*"}:
            quality = params.strip().removeprefix("q=").strip() if "q=" in params else "1"
            try:
                return float(quality) > 0
            except ValueError:
                return False
    return False


@get(
    "/{file_path:path}",
    name="asset",
    include_in_schema=False,
    opt={"exclude_from_csrf": True},  # no CSRF cookie on an asset: it must stay cacheable
)
async def serve_asset(request: Request[Any, Any, Any], file_path: FromPath[str]) -> Response[bytes]:
    """One asset: for a year when its URL is fingerprinted, else revalidated; gzip if accepted."""
    found = assets().find(file_path.lstrip("/"))
    if found is None:
        raise NotFoundException()
    asset, fingerprinted = found
    use_gzip = asset.gzipped is not None and _accepts_gzip(
        request.headers.get("accept-encoding", "")
    )
    etag = f'"{asset.digest[:32]}{"-gz" if use_gzip else ""}"'
    headers = {
        "cache-control": FOREVER if fingerprinted else REVALIDATE,
        "etag": etag,
        "vary": "Accept-Encoding",
    }
    if etag in {tag.strip() for tag in request.headers.get("if-none-match", "").split(",")}:
        return Response(b"", status_code=304, headers=headers)
    if use_gzip:
        headers["content-encoding"] = "gzip"
    body = asset.gzipped if use_gzip and asset.gzipped is not None else asset.body
    return Response(body, media_type=asset.media_type, headers=headers)


def assets_router() -> Router:
    """``/assets/``: where GOV.UK Frontend's compiled CSS expects its files."""
    return Router(path="/assets", route_handlers=[serve_asset], include_in_schema=False)
