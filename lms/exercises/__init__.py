"""Code exercises: the item kind, its pages, grading in the sandbox and the records of each submission."""
