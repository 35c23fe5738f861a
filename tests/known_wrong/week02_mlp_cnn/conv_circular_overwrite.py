"""Collects the entries in a dict keyed by (row, column): a wrapped tap overwrites another."""

EXPECT = {
    "exercise": "week02_mlp_cnn.conv2d_sparse_matrix",
    "check": "circular, 3x3 kernel on a 2x2 torus (wrapped taps merge, nnz 16), float64",
    "message": r"matrix: \d+/\d+ entries differ.*hint: taps that wrap onto the same input pixel "
    r"must add their weights into one entry, not overwrite",
    "replace": {
        "    values = weight[:, :, m[:, None], n]\n": (
            "    values = weight[:, :, m[:, None], n]\n"
            "    entries = {}  # (row, column) -> value: the last tap wins\n"
            "    for key, value in zip(zip(rows.flatten().tolist(), cols.flatten().tolist()), "
            "values.flatten()):\n"
            "        entries[key] = value\n"
            "    rows, cols = torch.tensor(list(entries), device=device).reshape(-1, 2).T\n"
            "    values = torch.stack(list(entries.values()))\n"
        )
    },
}
