"""Records (居民户 and 居民): the lists, a household's and a resident's page, staff edits, due visits,
the change-log history and pinyin search."""
