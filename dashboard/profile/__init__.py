"""The district profile page: its Streamlit-free parts (table, charts)."""
