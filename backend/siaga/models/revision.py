from __future__ import annotations

from sqlalchemy import BigInteger
from sqlalchemy.orm import Mapped, mapped_column

from siaga.models.base import Base

# The row that counts changes to everything scores depend on besides answers: periods,
# regions, agencies and the framework (dimensions, indicators, thresholds).
REFERENCE_KEY = (0, 0)


class ScoreRevision(Base):
    """A change counter per (period, Pemda), bumped by database triggers (migration 0003)
    in the same transaction as every insert, update or delete of an answer.

    Scores' ETags are sums of these counters: a poller's 304 costs an index range scan of
    a few hundred rows instead of an aggregate over the answers. Counters only grow, so
    transactions committing out of order still change the sum. Row (0, 0) counts changes
    to reference data. No foreign keys: the triggers write it, nothing joins it.
    """

    __tablename__ = "score_revisions"

    period_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    region_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    revision: Mapped[int] = mapped_column(BigInteger, default=0)
