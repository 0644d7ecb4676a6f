"""Events of Russia–Sahel relations: schema, store, queries and figures (no Streamlit here)."""

__version__ = "0.1.0"
