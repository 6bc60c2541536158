"""Teachers' classes: join codes for pupils, assigned courses and the class's progress."""
