"""Insights Gateway: DevOps deployment insights (DORA metrics) over a store of Octopus data."""
