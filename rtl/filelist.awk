# rtl/filelist.awk -- prints the sources of a file list (rtl/<unit>.f), one a line, as mxref verify reads them:
# each entry relative to the list that names it; // and # comments; `-f other.f` (or -F) includes another list
# whose entries are relative to that list; a source reached twice is printed once (the first time); other lines
# starting with - or + are Verilator options, not sources. A list that includes itself, directly or through
# others, is an error naming the lists. Usage: awk -f rtl/filelist.awk rtl/mx_regen.f
BEGIN {
    for (i = 1; i < ARGC; i++) expand(ARGV[i], "")
    exit failed
}

function expand(list, chain,    dir, line, got, inc) {
    list = tidy(list)
    if (index(" " chain " ", " " list " ")) {
        gsub(/^ /, "", chain); gsub(/ /, " -> ", chain)
        print "filelist.awk: file lists include each other: " chain " -> " list > "/dev/stderr"
        failed = 1
        return
    }
    dir = list
    if (!sub(/[^\/]*$/, "", dir)) dir = ""
    while ((got = (getline line < list)) > 0) {
        sub(/\/\/.*/, "", line); sub(/#.*/, "", line)
        gsub(/^[ \t]+|[ \t\r]+$/, "", line)
        if (line == "") continue
        if (line ~ /^-[fF][ \t]/) {
            inc = line; sub(/^-[fF][ \t]+/, "", inc)
            expand(inc ~ /^\// ? inc : dir inc, chain " " list)
            continue
        }
        if (line ~ /^[-+]/) continue
        if (line !~ /^\//) line = tidy(dir line)
        if (!(line in seen)) { seen[line] = 1; print line }
    }
    if (got < 0) { print "filelist.awk: cannot read file list " list (chain == "" ? "" : " (included by " substr(chain, match(chain, /[^ ]*$/)) ")") > "/dev/stderr"; failed = 1 }
    close(list)
}

# a/b/../c is a/c: one source or list has one name, so it is printed once and a cycle is seen
function tidy(path) {
    while (sub(/[^\/.][^\/]*\/\.\.\//, "", path)) ;
    return path
}
