"""Pure-Python engine of oktatool: no Qt, no printing; raises OktaToolError subclasses."""
