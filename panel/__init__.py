"""Data in: source adapters, the demo simulator, the firm-year panel builder and named samples."""

import warnings

# With the optional Spark engine installed, pandera imports pyspark.pandas, which warns about
# pandas 3 on import; the Spark engine does not use pyspark.pandas.
warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
