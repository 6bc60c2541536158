"""H5P activities: ``.h5p`` packages checked as strictly as H5P itself checks them, the
content-type libraries they need kept once in a shared store that an admin approves, and
(later) their playback in a sandboxed frame whose statements enter through the one door."""
