"""Uses a strict > between hidden layers too: the inputs of the highest degrees reach no hidden
unit, and outputs lose dependencies on earlier inputs they are allowed to see."""

EXPECT = {
    "exercise": "week06_generative1.made_masks",
    "check": "Jacobian, identity order, one hidden layer, float64, "
    "d out_i / d x_j != 0 for order[j] < order[i]",
    "message": r"out_\d+ does not depend on x_\d+ although order\[\d\] = \d < order\[\d\] = \d .*"
    r"hint: hidden units connect to units of the layer below whose degree is <= their own",
    "replace": {"earlier[:, None] <= later[None, :]": "earlier[:, None] < later[None, :]"},
}
