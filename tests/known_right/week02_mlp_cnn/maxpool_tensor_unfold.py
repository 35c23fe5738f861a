"""Windows as views with Tensor.unfold and their maximum with amax, which the docstring allows."""

EXPECT = {"exercise": "week02_mlp_cnn.maxpool2d"}


def maxpool2d(x, kernel_size, stride=None):
    k_h, k_w = _pair(kernel_size)  # noqa: F821 (the solution's helper)
    s_h, s_w = (k_h, k_w) if stride is None else _pair(stride)  # noqa: F821
    windows = x.unfold(-2, k_h, s_h).unfold(-2, k_w, s_w)
    return windows.amax(dim=(-2, -1))
