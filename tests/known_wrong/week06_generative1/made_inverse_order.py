"""Reads order the wrong way round, as the list of inputs in their order (input order[k] comes
k-th): the degrees are those of the inverse permutation."""

EXPECT = {
    "exercise": "week06_generative1.made_masks",
    "message": r"output\[0\]: \d+/\d+ entries differ from the reference.*"
    r"hint: order\[j\] is the position of input j.* you used the inverse permutation",
    "replace": {"input_degrees = order.long() + 1": "input_degrees = torch.argsort(order) + 1"},
}
