"""The teacher's gradebook: each learner's work on each assigned item, what they did in
it (quiz answers, code, hand-ins), feedback on that work, and exports."""
