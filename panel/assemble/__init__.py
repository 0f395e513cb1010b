"""The firm-year panel builder: merge, filters, winsorizing, derived variables, treatment timing."""
