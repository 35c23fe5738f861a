"""The ml4p autograder: grades week modules of a submission against the hidden reference."""
