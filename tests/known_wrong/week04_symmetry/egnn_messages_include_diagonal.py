"""Sums the messages over every j, i = j included: h_new gets the extra message
m_ii = phi_e(h_i, h_i, 0)."""

EXPECT = {
    "exercise": "week04_symmetry.egnn_layer",
    "check": "5 particles in 3-D, float64",
    "message": r"h_new: .*entries differ from the reference.*hint: sum the messages over j != i",
    "replace": {
        "    messages = messages * off_diagonal[:, :, None].to(messages.dtype)\n": "",
    },
}
