"""楼栋设置: a community's buildings with their standard address and door grid."""
