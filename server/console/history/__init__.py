"""A record's full change history on a page of its own and as a workbook an auditor can file."""
