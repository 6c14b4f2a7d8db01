from piccolo.columns import Serial, Text
from piccolo.table import Table


class Note(Table, tablename="notes_note"):
    id: Serial
    text = Text()
