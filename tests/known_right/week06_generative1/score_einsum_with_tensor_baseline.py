"""Turns every baseline into a tensor and contracts the samples with einsum."""

EXPECT = {
    "exercise": "week06_generative1.score_function_grad",
    "replace": {
        "    if baseline is not None:\n        f_x = f_x - baseline\n"
        "    return (f_x[:, None] * score).mean(dim=0)": (
            "    b = torch.as_tensor(0.0 if baseline is None else baseline, dtype=f_x.dtype,\n"
            "                        device=f_x.device)\n"
            "    return torch.einsum('s,sp->p', f_x - b, score) / f_x.shape[0]"
        )
    },
}
