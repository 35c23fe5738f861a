"""torch.std_mean (Bessel's correction by default) and numel(): the same estimate and error."""

EXPECT = {
    "exercise": "week06_generative1.variational_free_energy",
    "replace": {
        "    return per_sample.mean(), per_sample.std() / per_sample.shape[0] ** 0.5\n": (
            "    std, mean = torch.std_mean(per_sample)\n"
            "    return mean, std / per_sample.numel() ** 0.5\n"
        )
    },
}
