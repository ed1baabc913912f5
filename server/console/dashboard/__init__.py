"""The dashboard (工作台): the current community's figures, as charts and as tables."""
