"""What a build tells its caller: one :class:`SpecResult` per spec, in a :class:`BuildReport`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class SpecResult:
    """What happened to one spec in a build.

    Attributes
    ----------
    name : str
        The spec's name (file stem).
    spec : str
        The spec file as given.
    status : {"built", "unchanged", "failed"}
    outputs : list of str
        Output files (relative to the output folder).
    rejected : int
        Input records rejected by the readers (listed in ``<name>.rejects.csv``).
    error : str or None
        Why the spec failed: names the file and the reason.
    """

    name: str
    spec: str
    status: str
    outputs: list[str] = field(default_factory=list)
    rejected: int = 0
    error: str | None = None


@dataclass
class BuildReport:
    """The outcome of :func:`~geoconflict.build.build_maps`.

    Examples
    --------
    >>> r = BuildReport(out_dir=Path("dist"), results=[SpecResult("a", "a.toml", "built")])
    >>> r.summary(), r.exit_code
    ('built 1, unchanged 0, failed 0', 0)
    """

    out_dir: Path
    results: list[SpecResult]

    def count(self, status: str) -> int:
        """How many specs ended with ``status``."""
        return sum(r.status == status for r in self.results)

    @property
    def built(self) -> int:
        return self.count("built")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    @property
    def failed(self) -> int:
        return self.count("failed")

    @property
    def rejected(self) -> int:
        return sum(r.rejected for r in self.results)

    @property
    def exit_code(self) -> int:
        """0 when every spec built cleanly, 1 when any failed or rejected records."""
        return 1 if self.failed or self.rejected else 0

    def summary(self) -> str:
        """``built N, unchanged M, failed K`` (and the rejected records, if any)."""
        line = f"built {self.built}, unchanged {self.unchanged}, failed {self.failed}"
        if self.rejected:
            line += f" ({self.rejected} input records rejected)"
        return line
