"""ReportLab documents built from plain data: evidence packets, audit reports."""
