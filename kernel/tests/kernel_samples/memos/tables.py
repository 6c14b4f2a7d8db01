from nexus_hookspecs.piccolo import TenantOwned
from piccolo.columns import Text, Timestamptz
from piccolo.table import Table


class Memo(TenantOwned, Table, tablename="memos_memo"):
    title = Text()
    body = Text(default="")
    created_at = Timestamptz()
