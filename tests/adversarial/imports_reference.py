"""Imports the hidden reference and returns its answer."""

EXPECT = {
    "exercise": "week01_practices.softmax",
    "status": "error",
    "message": r"importing ml4p_ref.* is not allowed",
}


def softmax(z, dim=-1):
    import ml4p_ref.week01_practices as reference

    return reference.softmax(z, dim)
