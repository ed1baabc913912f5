"""The directory of handling units (处置单位名录): who a case can be dispatched to."""
