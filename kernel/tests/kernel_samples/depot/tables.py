from nexus_hookspecs.piccolo import TenantOwned
from piccolo.columns import Integer, Text
from piccolo.table import Table


class Hold(TenantOwned, Table, tablename="depot_hold"):
    origin = Text()
    quantity = Integer()
