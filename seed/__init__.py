"""A realistic, deterministic generator of Octopus data, and the data file import and export."""
