"""The unit desk (/console/unit/): what a handling unit's contact sees and does, on a phone-sized
page: the cases dispatched to their unit, and 接单, 进展, 反馈, 申请延期, 退回 on each."""
