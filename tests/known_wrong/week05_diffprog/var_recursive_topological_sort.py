"""A recursive topological sort (as in micrograd): a 20000-node chain exceeds Python's recursion
limit."""

EXPECT = {
    "exercise": "week05_diffprog.Var",
    "check": "chain of 20000 nodes, x <- x + 1e-4*sin(x), float64",
    "message": r"RecursionError.*hint: the graph is deeper than Python's recursion limit",
    "lesson": True,
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

        visit(self)
"""
    },
}
