"""Users and devices (用户与设备): the community's accounts, their grids, and lost phones."""
