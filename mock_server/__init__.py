"""The Octopus Insights REST surface, served from the store."""
