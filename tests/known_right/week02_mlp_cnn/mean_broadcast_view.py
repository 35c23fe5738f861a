"""Mean's backward returns a read-only broadcast view instead of a copy, which is allowed."""

EXPECT = {
    "exercise": "week02_mlp_cnn.Mean",
    "replace": {
        "        return np.broadcast_to(per_entry, self.shape).copy()\n": (
            "        return np.broadcast_to(per_entry, self.shape)\n"
        )
    },
}
