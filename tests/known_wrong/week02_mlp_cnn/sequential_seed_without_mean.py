"""Seeds backward with ones(B): the gradient of the summed loss, B times the mean's."""

EXPECT = {
    "exercise": "week02_mlp_cnn.Sequential",
    "check": "Linear-Tanh-Linear, batch of 4, gradients",
    "message": r"gradient w\.r\.t\. x: .*differ.*hint: backward seeds delta = np\.ones\(B\) / B",
    "lesson": True,
    "replace": {"np.full(self.batch_size, 1.0 / self.batch_size)": "np.ones(self.batch_size)"},
}
