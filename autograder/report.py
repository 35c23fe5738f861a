"""The grading report: checks, exercises, the whole submission, and its JSON form (a contract).

JSON shape (keys may be added, none removed)::

    {"submission": "assignments", "seed": 0, "score": 3.0, "max_score": 10.0,
     "exercises": [{"id": "week01_practices.softmax", "score": 1.5, "max_score": 2.0,
                    "status": "partial",
                    "checks": [{"name": "large logits, float32", "passed": false, "points": 0.0,
                                "max_points": 0.5, "message": "...", "group": "stability"}],
                    "notes": ["at import: default dtype torch.float32 -> torch.float64 (undone)"],
                    "groups": [{"name": "values", "points": 0.5, "max_points": 0.5}],
                    "plot": ""}]}

``plot`` is the PNG that ``ml4p grade --plots DIR`` drew of the exercise's failure ("" when none).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

STATUSES = (
    "passed",
    "partial",
    "failed",
    "not_implemented",
    "error",
    "timeout",
    "banned",
    "missing",
)


@dataclass
class CheckResult:
    name: str
    passed: bool
    points: float
    max_points: float
    message: str = ""
    group: str = "values"


@dataclass
class GroupTotal:
    name: str
    points: float
    max_points: float


@dataclass
class ExerciseResult:
    id: str
    score: float
    max_score: float
    status: str
    checks: list[CheckResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    groups: list[GroupTotal] = field(default_factory=list)
    plot: str = ""  # the picture of the failure (``--plots``), a PNG path; "" when none

    @classmethod
    def from_dict(cls, data: dict) -> ExerciseResult:
        """The result as it was written in a JSON report."""
        return cls(
            **{key: data[key] for key in ("id", "score", "max_score", "status")},
            checks=[CheckResult(**check) for check in data.get("checks", [])],
            notes=list(data.get("notes", [])),
            groups=[GroupTotal(**group) for group in data.get("groups", [])],
            plot=data.get("plot", ""),
        )


@dataclass
class Report:
    submission: str
    seed: int
    exercises: list[ExerciseResult]

    @property
    def score(self) -> float:
        return round(sum(exercise.score for exercise in self.exercises), 6)

    @property
    def max_score(self) -> float:
        return round(sum(exercise.max_score for exercise in self.exercises), 6)

    def to_dict(self) -> dict:
        return {
            "submission": self.submission,
            "seed": self.seed,
            "score": self.score,
            "max_score": self.max_score,
            "exercises": [asdict(exercise) for exercise in self.exercises],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2) + "\n"
