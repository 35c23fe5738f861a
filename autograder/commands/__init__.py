"""The ``ml4p`` subcommands, one module per group; ``autograder.cli`` assembles them."""
