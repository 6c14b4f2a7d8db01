from nexus_hookspecs.piccolo import TenantOwned
from piccolo.columns import Text
from piccolo.table import Table


class Entry(TenantOwned, Table, tablename="ledger_entry"):
    memo = Text()


class Effect(TenantOwned, Table, tablename="ledger_effect"):
    """One row per handled event: the consumer's effect, counted by the tests."""

    event_id = Text()
