"""Bulk setup from spreadsheets: the templates, reading a workbook, checking each row with the
rules a phone's change meets, and writing the new and changed records through DirectWriter.

No console here: the console pages (console/setup_import), the `wangge import` command and the
demo all use it.
"""
