"""The store of Octopus data: SQLModel tables, the async engine and the queries insights reads."""
