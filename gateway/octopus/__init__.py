"""The connector to an Octopus Server: its REST client (`client`) and the reading of its
resources into the store's rows (`resources`)."""
