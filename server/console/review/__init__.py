"""The review queue (审核): new visits and new findings, reviewed, accepted or returned."""
