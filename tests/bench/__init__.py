"""`make bench`: the gateway and the mock server measured against DuckDB, wrk's bare ceiling and
Prism, on 127.0.0.1 only. Run with `python -m tests.bench.run` (see `run.py`)."""
