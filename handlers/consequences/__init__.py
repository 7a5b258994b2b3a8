"""The consequences of a ticket change, in one place.

A handler only changes tickets through the domain (`Ticket.acknowledge(...)`, ...), which records
events in the ticket's log. Before the unit of work commits, `Consequences.settle` hands the
events recorded since the last time to the effects the table names (`table.py`): the ticket is
saved, its deadlines planned, its cards refreshed, the status lines posted, reporters and
followers told. A handler cannot forget any of these; it may only say *when* (`settle()` early,
so that its own reply comes after) and give hints the log does not hold (`Hints`).
"""

from handlers.consequences.batch import Batch, Hints
from handlers.consequences.bus import Consequences
from handlers.consequences.table import CONSEQUENCES, Effect

__all__ = ["CONSEQUENCES", "Batch", "Consequences", "Effect", "Hints"]
