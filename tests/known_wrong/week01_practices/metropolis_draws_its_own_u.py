"""Draws its own uniform numbers instead of using log_u."""

EXPECT = {
    "exercise": "week01_practices.metropolis_step",
    "check": "forbidden APIs",
    "message": r"uses forbidden .*torch\.rand",
    "status": "banned",
    "replace": {
        "    accepted = log_u < logp_fn(proposal)": (
            "    accepted = torch.rand_like(log_u).log() < logp_fn(proposal)"
        )
    },
}
