"""The digest: daily and weekly summaries with a chart, /digest, /stats and /export."""
