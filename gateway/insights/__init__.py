"""The pure insights core: no I/O, no SQL, no web. Frozen dataclasses in, frozen dataclasses out."""
