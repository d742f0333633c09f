"""Custom templates: the folder they come from (``folder``), the box they run in (``box``), and
the child process that bounds their memory and time (``fork``)."""
