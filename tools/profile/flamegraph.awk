# flamegraph.awk: draws folded stacks ("root;caller;callee COUNT" per line, sorted) as a flame
# graph in one self-contained SVG: no script, no fonts or files to fetch. Each box is a
# function on the stack, as wide as its share of the samples; callers below, callees above;
# hovering a box shows its name, samples and share. The course's own, after the layout of
# Brendan Gregg's flamegraph.pl (not packaged in Debian).
#   LC_ALL=C sort folded.txt | awk -f tools/profile/flamegraph.awk -v title="..." > out.svg
BEGIN {
	width = 1200; frame_h = 16; pad = 10; top = 40; min_px = 0.1
	if (title == "") title = "Flame graph"
	np = 0; x = 0; nr = 0
}

{
	c = $NF; stack = $0; sub(/ [0-9]+$/, "", stack)
	nc = split(stack, cur, ";")
	k = 0
	while (k < np && k < nc && prev[k + 1] == cur[k + 1]) k++
	for (d = np; d > k; d--) box(d, prev[d], start[d], x)
	for (d = k + 1; d <= nc; d++) start[d] = x
	x += c
	for (d = 1; d <= nc; d++) prev[d] = cur[d]
	np = nc
}

function box(depth, name, from, to) {
	rd[nr] = depth; rn[nr] = name; rf[nr] = from; rt[nr] = to; nr++
	if (depth > maxd) maxd = depth
}

function esc(s) {
	gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); gsub(/"/, "\\&quot;", s)
	return s
}

# a warm colour from the name, so one function keeps its colour across graphs
function colour(name,   h, i) {
	h = 0
	for (i = 1; i <= length(name) && i <= 12; i++) h = (h * 31 + index("abcdefghijklmnopqrstuvwxyz_0123456789", substr(name, i, 1))) % 1000
	if (name ~ /_\[k\]$/) return sprintf("rgb(%d,%d,%d)", 200 + h % 55, 120 + h % 60, 120 + h % 60)
	return sprintf("rgb(%d,%d,%d)", 205 + h % 50, 80 + (h * 7) % 150, 40 + (h * 3) % 50)
}

END {
	for (d = np; d > 0; d--) box(d, prev[d], start[d], x)
	total = x
	box(0, "all", 0, total)
	height = top + (maxd + 1) * frame_h + 2 * pad
	scale = total > 0 ? (width - 2 * pad) / total : 0
	printf "<?xml version=\"1.0\" standalone=\"no\"?>\n"
	printf "<svg version=\"1.1\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" xmlns=\"http://www.w3.org/2000/svg\">\n", width, height, width, height
	printf "<style>text { font-family: monospace; font-size: 11px; fill: #000 } .t { font-size: 15px; text-anchor: middle }</style>\n"
	printf "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#f8f8f0\"/>\n", width, height
	printf "<text class=\"t\" x=\"%d\" y=\"24\">%s (%d samples)</text>\n", width / 2, esc(title), total
	for (i = 0; i < nr; i++) {
		w = (rt[i] - rf[i]) * scale
		if (w < min_px) continue
		bx = pad + rf[i] * scale
		by = height - pad - (rd[i] + 1) * frame_h
		n = rt[i] - rf[i]
		printf "<g><title>%s (%d samples, %.2f%%)</title>", esc(rn[i]), n, total ? 100 * n / total : 0
		printf "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" rx=\"2\"/>", bx, by, w, frame_h - 1, colour(rn[i])
		chars = int((w - 6) / 7)
		if (chars >= 3) {
			label = rn[i]
			if (length(label) > chars) label = substr(label, 1, chars - 2) ".."
			printf "<text x=\"%.1f\" y=\"%d\">%s</text>", bx + 3, by + frame_h - 4, esc(label)
		}
		printf "</g>\n"
	}
	printf "</svg>\n"
}
