"""The platform's Learning Record Store and the one door every learning record enters by.

``record()`` validates statements, stores them, tells the listeners other domains
registered, all inside the caller's transaction. This package imports no other domain:
every arrow points into it."""
