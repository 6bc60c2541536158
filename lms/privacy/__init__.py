"""Personal data: what the platform holds about whom (``inventory``), erasure that
reaches every table, stored file and the statement store (``erasure``), the requests
that lead to it (``requests``), and who looked at whose data (``access_log``)."""
