"""The staff console's pages."""
