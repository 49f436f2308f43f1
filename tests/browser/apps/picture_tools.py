"""A page with only a picture and its presenting row (dashboard.charts.chart_tools.show_image): what the SVG
map component gets, tested without depending on that component."""

import streamlit as st

from dashboard.charts import chart_tools

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300"><rect width="400" height="300" '
       'fill="#0072B2"/><text x="20" y="150" font-size="40" fill="#FFFFFF">海曙区</text></svg>')
st.html(SVG)
chart_tools.show_image(SVG, chart_tools.chart_meta("地图 2022", "zh", key="map_svg", years=[2022],
                                                   source_values=["census7_ningbo"], release="数据：测试版本"),
                        key="map_svg", lang="zh")  # a release of its own: this page opens no data store
