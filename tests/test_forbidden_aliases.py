"""A ban is on the operation, not the name: every other name of a forbidden softmax or
cross-entropy built-in is caught (``torch.ops.aten``, private ``torch._*`` functions, ``torch.sparse``,
``torch.distributions``, ``torch._C._VariableFunctions``, ``torch._C._nn``), and the message names
the ATen operation and the line of the student's code that reached it. The solutions themselves are
never banned (``test_grading``: full marks)."""

from __future__ import annotations

import re
import textwrap

import pytest
from helpers import solution_source

from autograder.grade import grade_exercise
from autograder.registry import exercise_by_id

MODULE = "week01_practices"
SIGNATURES = {
    "softmax": "softmax(z, dim=-1)",
    "log_softmax": "log_softmax(z, dim=-1)",
    "logsumexp": "logsumexp(z, dim=-1, keepdim=False)",
    "cross_entropy_from_logits": "cross_entropy_from_logits(logits, target, reduction='mean')",
}
ALIASES = {
    "softmax": {
        "aten._softmax": "torch.ops.aten._softmax(z, dim, False)",
        "torch._softmax": "torch._softmax(z, dim, False)",
        "_VariableFunctions": "torch._C._VariableFunctions.softmax(z, dim)",
        "sparse.softmax": "torch.sparse.softmax(z.detach().to_sparse(), dim).to_dense()",
        "distributions": "torch.distributions.Categorical(logits=z.movedim(dim, -1)).probs"
        ".movedim(-1, dim)",
    },
    "log_softmax": {
        "aten._log_softmax": "torch.ops.aten._log_softmax(z, dim, False)",
        "torch._log_softmax": "torch._log_softmax(z, dim, False)",
        "_VariableFunctions": "torch._C._VariableFunctions.log_softmax(z, dim)",
        "sparse.log_softmax": "torch.sparse.log_softmax(z.detach().to_sparse(), dim).to_dense()",
        "distributions": "torch.distributions.Categorical(logits=z.movedim(dim, -1)).logits"
        ".movedim(-1, dim)",
    },
    "logsumexp": {
        "aten.logsumexp": "torch.ops.aten.logsumexp(z, [dim], keepdim)",
        "_VariableFunctions": "torch._C._VariableFunctions.logsumexp(z, [dim], keepdim)",
        "log_softmax difference": "(z - torch._log_softmax(z, dim, False)).select(dim, 0)",
    },
    "cross_entropy_from_logits": {
        "torch._C._nn.cross_entropy_loss": "torch._C._nn.cross_entropy_loss(logits, target.long()"
        " if not target.is_floating_point() else target, None, {'mean': 1, 'sum': 2, 'none': 0}"
        "[reduction])",
        "aten.nll_loss_forward": "torch.ops.aten.nll_loss_forward(torch.ops.aten._log_softmax("
        "logits, -1, False), target.long(), None, 1, -100)[0]",
        "distributions": "-torch.distributions.Categorical(logits=logits).log_prob(target).mean()",
    },
}
CASES = [(name, alias) for name, aliases in ALIASES.items() for alias in aliases]


@pytest.mark.parametrize("name, alias", CASES, ids=[f"{n}-{a}" for n, a in CASES])
def test_every_alias_of_a_forbidden_builtin_is_banned_by_its_operation(name, alias, tmp_path):
    redefinition = textwrap.dedent(f"""
        def {SIGNATURES[name]}:
            return {ALIASES[name][alias]}
        """)
    source = solution_source(MODULE) + "\n" + redefinition
    (tmp_path / f"{MODULE}.py").write_text(source)
    result = grade_exercise(exercise_by_id(f"{MODULE}.{name}"), tmp_path)
    assert (result.status, result.score) == ("banned", 0)
    message = next(c.message for c in result.checks if c.name == "forbidden APIs")
    line = source.splitlines().index(f"    return {ALIASES[name][alias]}") + 1
    assert re.search(rf"operation aten\.\w+ \(line {line}\)", message), message
