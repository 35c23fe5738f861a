"""A recursive sweep that raises Python's recursion limit around itself: the docstring asks only
that the graph's depth be no obstacle, and global state is put back after each call."""

import sys as _sys  # noqa: F401 (the replaced backward uses it)

EXPECT = {
    "exercise": "week05_diffprog.Var",
    "replace": {
        """        order, visited, stack = [], set(), [(self, False)]
        while stack:  # iterative depth-first search: every node after all of its inputs
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
            elif id(node) not in visited:
                visited.add(id(node))
                stack.append((node, True))
                stack.extend((parent, False) for parent, _ in node.parents)
""": """        order, visited = [], set()

        def visit(node):
            if id(node) not in visited:
                visited.add(id(node))
                for parent, _ in node.parents:
                    visit(parent)
                order.append(node)

        _sys.setrecursionlimit(max(_sys.getrecursionlimit(), 100_000))
        visit(self)
"""
    },
}
