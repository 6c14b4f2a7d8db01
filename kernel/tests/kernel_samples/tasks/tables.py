from nexus_hookspecs.piccolo import TenantOwned
from piccolo.columns import Text
from piccolo.table import Table


class Task(TenantOwned, Table, tablename="tasks_task"):
    title = Text()
