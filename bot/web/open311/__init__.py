"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2); the mapping of our statuses
and fields is documented in docs/open311.md."""
