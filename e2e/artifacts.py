"""Where the journeys keep screenshots, accessibility reports and the server's log."""

from __future__ import annotations

from pathlib import Path

ARTIFACTS = Path(__file__).parent / "artifacts"
ARTIFACTS.mkdir(parents=True, exist_ok=True)
