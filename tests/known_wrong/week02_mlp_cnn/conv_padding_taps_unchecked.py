"""Keeps the taps in the zero padding and builds M with check_invariants=False: indices -1, H."""

EXPECT = {
    "exercise": "week02_mlp_cnn.conv2d_sparse_matrix",
    "check": "stride 2, padding 1, 7x6 image (floor sizes), 3 channels in, float64",
    "message": r"^what your code returned could not be used: ValueError: the matrix is an invalid "
    r"sparse_coo tensor of shape \[24, 126\] \(.*index.*\); torch checks its indices only where it "
    r"is built with check_invariants=True",
    "replace": {
        "        else:\n"
        "            inside = (in_idx >= 0) & (in_idx < n_in)\n"
        "            out_idx, tap_idx, in_idx = out_idx[inside], tap_idx[inside], in_idx[inside]\n": "",
        "        check_invariants=True,\n": "        check_invariants=False,\n",
    },
}
