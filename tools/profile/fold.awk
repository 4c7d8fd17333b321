# fold.awk: folds the stacks of `perf script` into one line per distinct stack,
# "root;caller;callee COUNT", root first, the format flamegraph.awk draws. The course's own,
# in the spirit of Brendan Gregg's stackcollapse-perf.pl (not packaged in Debian).
#   perf script -i perf.data | awk -f tools/profile/fold.awk [-v focus=NAME] [-v kernel=0]
# focus=NAME keeps only samples whose stack holds NAME, cut so that NAME is the root;
# kernel=0 drops kernel frames (those perf marks [kernel.kallsyms]).
BEGIN { n = 0; if (kernel == "") kernel = 1 }

# a sample header: "comm pid [cpu] time: period event:"; the stack follows, leaf first
/^[^ \t]/ { flush(); comm = $1; in_sample = 1; next }

# a frame: "addr symbol+0xoff (dso)"
in_sample && NF >= 2 {
	sym = $2
	for (i = 3; i < NF; i++) sym = sym " " $i # C++ or "[unknown]" names may hold blanks
	sub(/\+0x[0-9a-f]+$/, "", sym)
	dso = $NF
	if (dso ~ /kernel\.kallsyms/) {
		if (!kernel) next
		sym = sym "_[k]"
	}
	if (sym == "[unknown]") { d = dso; gsub(/[()]/, "", d); sub(/.*\//, "", d); sym = "[" d "]" }
	gsub(/;/, ":", sym)
	frame[n++] = sym
	next
}

/^[ \t]*$/ { flush() }

function flush(   s, i, start) {
	if (!in_sample) return
	in_sample = 0
	start = n - 1
	if (focus != "") {
		start = -1
		for (i = n - 1; i >= 0; i--) if (frame[i] == focus) { start = i; break }
		if (start < 0) { n = 0; return }
		s = frame[start]
	} else s = comm
	for (i = start - (focus != ""); i >= 0; i--) s = s ";" frame[i]
	if (focus == "" || start >= 0) count[s]++
	n = 0
}

END { flush(); for (s in count) print s, count[s] }
