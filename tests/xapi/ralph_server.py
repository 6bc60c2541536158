"""Start Ralph's LRS (PyPI ralph-malph 5.1.0) on the file-system backend.

Ralph 5.1.0's file-system LRS writes every request to the same file with the CREATE
operation, so its second write fails with "already exists". Appending is what its
backend offers for exactly this, so the launcher makes APPEND the default before
starting the server. Run by the Python of Ralph's own virtualenv (tests/xapi/ralph_env.py):
python ralph_server.py PORT DIRECTORY
"""

import os
import sys

from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

if __name__ == "__main__":
    import uvicorn

    port, directory = int(sys.argv[1]), sys.argv[2]
    os.environ["RALPH_RUNSERVER_BACKEND"] = "fs"
    os.environ["RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH"] = directory
    uvicorn.run("ralph.api:app", host="127.0.0.1", port=port, log_level="warning")
