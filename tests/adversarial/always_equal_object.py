"""Returns an object that claims to equal anything."""

EXPECT = {
    "exercise": "week01_practices.softmax",
    "status": "error",
    "message": r"AlwaysEqual, which is not plain data",
}


class AlwaysEqual:
    shape = dtype = device = None

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False


def softmax(z, dim=-1):
    return AlwaysEqual()
