"""The 填报 Returns page's Streamlit-side helpers: the reporter's view, the reviewer's view, the tables
they show and the Overview's round line. The round logic itself lives in lcity_data.collection."""
