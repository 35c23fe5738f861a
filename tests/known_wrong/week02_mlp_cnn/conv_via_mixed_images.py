"""Flattens the batch with x.reshape(-1, B), which interleaves the images."""

EXPECT = {
    "exercise": "week02_mlp_cnn.conv2d_via_matrix",
    "check": "stride 2, padding 1, 7x6 image (floor sizes), batch 3, float64",
    "message": r"output: \d+/\d+ entries differ.*hint: x\.reshape\(-1, B\) mixes the images",
    "lesson": True,
    "replace": {"x.flatten(1).T[cols]": "x.reshape(-1, batch)[cols]"},
}
