"""What the pipeline reports for monitoring. This base class does nothing; the application's
`bot.health.metrics.Metrics` turns the reports into Prometheus metrics. Keeping the calls
here leaves the pipeline free of any monitoring library."""

from __future__ import annotations


class Telemetry:
    def handled(self, kind: str, seconds: float, ok: bool) -> None:
        """An update was handled (or failed) in `seconds`; kind: message, command, button,
        internal."""

    def delivered(self, platform: str, kind: str, ref: str | None) -> None:
        """An outgoing message reached the platform."""

    def delivery_failed(self, platform: str, kind: str, reason: str) -> None:
        """A try to deliver failed; reason: throttled, transient, permanent, gone."""

    def throttled(self, platform: str, retry_after_s: float) -> None:
        """The platform asked us to slow down (HTTP 429) for `retry_after_s`."""

    def job_ran(self, name: str, ok: bool) -> None:
        """A scheduled job ran to the end, or failed."""

    def task_restarted(self, name: str) -> None:
        """A background task died and was started again."""


SILENT = Telemetry()
