"""Audit review (424.5(c)): the access log with filters, the chain, export and the bi-annual report."""
