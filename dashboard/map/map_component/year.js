// The year element beside a map (map.js): tells the map with mount key `data.key` which year the server
// shows (a sidebar change, a link, or the echo of the map's own report). Nothing to draw.
export default function showYear(component) {
  const {data, parentElement} = component;
  if (!data || data.key === undefined) return undefined;
  if (parentElement && parentElement.setAttribute) parentElement.setAttribute("data-lcm-year", data.key);
  const years = (globalThis.__lcmYears = globalThis.__lcmYears || new Map());
  years.set(data.key, data.year);
  const view = globalThis.__lcmViews && globalThis.__lcmViews.get(data.key);
  if (view && view.root.isConnected) view.show(data.year);
  return undefined;
}
