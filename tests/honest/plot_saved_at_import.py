"""Draws a figure at import, saves it next to the code and shows it."""

import matplotlib.pyplot as plt
import numpy as np

_grid = np.linspace(-5, 5, 101)
plt.plot(_grid, np.exp(_grid) / (1 + np.exp(_grid)))
plt.title("a figure drawn when the module is imported")
plt.savefig("figure.png")
plt.show()

EXPECT = {"notes": []}
