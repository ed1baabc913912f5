"""Cases (事件处置): the list, one case's page and its steps, photos, and the handling deadlines."""
